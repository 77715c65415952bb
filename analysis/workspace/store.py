"""The program workspace: saved programs, their waves, roles, erasure and the audit trail.

Every public method takes the :class:`~analysis.workspace.access.Actor` making the
request, checks their role in the program first (the server-side check behind every
page and download), runs in one database transaction, and writes its audit event in
that same transaction: what is saved and what is logged land together or not at all.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from analysis.intake.codes import normalise_participant_codes
from analysis.intake.mapping.serialise import mapping_from_json
from analysis.intake.pipeline import PreparedProgram
from analysis.intake.privacy import pseudonymise_ids
from analysis.intake.waves import order_waves
from analysis.model.config import min_cell_floor
from analysis.model.findings import has_blocking
from analysis.model.release import ReleasePlan
from analysis.model.schema import (
    COMPARISON,
    GROUP,
    NO_COMPARISON_CAVEAT,
    PARTICIPANT_ID,
    WAVE,
    ProgramData,
)
from analysis.workspace.access import Actor, Permission, Role, check, permissions
from analysis.workspace.db import ensure_current, make_engine, unreachable
from analysis.workspace.errors import AccessDenied, UploadConflict, WorkspaceError
from analysis.workspace.frames import (
    merged_outcomes,
    outcomes_from_json,
    outcomes_json,
    response_rows,
    responses_frame,
    roster_frame,
    roster_rows,
)
from analysis.workspace.models import (
    ActionEntry,
    AuditEvent,
    DisclosureState,
    Membership,
    Program,
    PublishedTable,
    Response,
    RosterEntry,
    Upload,
)

INSERT_BATCH = 5000


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time the store keeps is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class WaveInfo:
    wave: str
    n_participants: int


@dataclass(frozen=True)
class ProgramInfo:
    """A saved program as the picker and the Program page show it."""

    id: int
    name: str
    description: str
    k: int
    owner: str
    created_at: datetime
    revision: int
    role: Role | None  # the actor's role (None for local mode and the command line)
    waves: tuple[WaveInfo, ...]
    n_participants: int
    last_upload_at: datetime | None
    published_at: datetime | None
    published_revision_upload: int | None
    retention_days: int | None
    rows_dropped_at: datetime | None
    has_mapping: bool
    has_scenario: bool

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def retention_due(self) -> datetime | None:
        if self.retention_days is None or self.last_upload_at is None:
            return None
        return self.last_upload_at + timedelta(days=self.retention_days)


@dataclass(frozen=True)
class StoredProgram:
    """A program's data as the actor may see it: leads every wave, others the published."""

    info: ProgramInfo
    data: ProgramData | None  # None before the first wave, or after retention
    mapping_json: str | None
    scenario_json: str | None
    through_upload: int | None  # newest upload included (the cache key, with the revision)


@dataclass(frozen=True)
class UploadReceipt:
    upload_id: int
    waves: tuple[str, ...]
    n_rows: int
    n_participants: int
    n_matched: int  # of those, how many answered an earlier wave
    mapping_changed: bool


@dataclass(frozen=True)
class Member:
    user: str
    role: Role
    granted_by: str
    granted_at: datetime


class Workspace:
    """The workspace on one database (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def connect(cls, url: str | None = None) -> Workspace:
        """Connect and check the migration (a new SQLite file gets its tables here)."""
        engine = make_engine(url)
        ensure_current(engine)
        return cls(engine)

    # --- plumbing --------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except OperationalError as error:
            raise unreachable(self.engine, error) from error

    def _program(self, session: Session, ref: int | str, *, lock: bool = False) -> Program:
        query = select(Program)
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            query = query.where(Program.id == int(ref))
        else:
            query = query.where(func.lower(Program.name) == str(ref).strip().lower())
        if lock:
            query = query.with_for_update()
        program = session.scalars(query).first()
        if program is None:
            raise WorkspaceError(f"There is no saved program “{ref}”.",
                                 "Pick one from the program list, or create it first.")
        return program

    def _role(self, session: Session, actor: Actor, program_id: int) -> Role | None:
        role = session.scalar(select(Membership.role).where(
            Membership.program_id == program_id, Membership.user == actor.key))
        return Role(role) if role else None

    def _authorised(self, session: Session, actor: Actor, ref: int | str,
                    permission: Permission, *, lock: bool = False) -> tuple[Program, Role | None]:
        program = self._program(session, ref, lock=lock)
        role = self._role(session, actor, program.id)
        check(actor, role, permission, program.name)
        if (permission is Permission.VIEW_RESULTS and program.published_at is None
                and Permission.VIEW_DRAFT not in permissions(role, actor)):
            raise AccessDenied(f"The program “{program.name}” is not published yet.",
                               "Its lead publishes it from the Program page when it is ready.")
        return program, role

    @staticmethod
    def _audit(session: Session, actor: Actor, program: Program | None, action: str,
               detail: str = "") -> None:
        session.add(AuditEvent(at=_now(), user=actor.name, action=action, detail=detail,
                               program_id=program.id if program else None,
                               program_name=program.name if program else ""))

    def _info(self, session: Session, program: Program, role: Role | None) -> ProgramInfo:
        waves = session.execute(
            select(Response.wave, func.count(func.distinct(Response.participant_code)))
            .where(Response.program_id == program.id).group_by(Response.wave)).all()
        order = order_waves([w for w, _ in waves], self._wave_order(program))
        counts = dict(waves)
        people = session.scalar(select(func.count(func.distinct(Response.participant_code)))
                                .where(Response.program_id == program.id)) or 0
        last = session.scalar(select(func.max(Upload.uploaded_at))
                              .where(Upload.program_id == program.id))
        return ProgramInfo(
            id=program.id, name=program.name, description=program.description, k=program.k,
            owner=program.owner, created_at=_aware(program.created_at),
            revision=program.revision, role=role,
            waves=tuple(WaveInfo(w, int(counts[w])) for w in order),
            n_participants=int(people), last_upload_at=_aware(last),
            published_at=_aware(program.published_at),
            published_revision_upload=program.published_upload_id,
            retention_days=program.retention_days,
            rows_dropped_at=_aware(program.rows_dropped_at),
            has_mapping=bool(program.mapping_json), has_scenario=bool(program.scenario_json),
        )

    @staticmethod
    def _wave_order(program: Program) -> tuple[str, ...]:
        if not program.mapping_json:
            return ()
        return tuple(mapping_from_json(program.mapping_json).wave_order)

    # --- programs ---------------------------------------------------------------------

    def create_program(self, actor: Actor, name: str, description: str = "",
                       k: int | None = None) -> ProgramInfo:
        """Save a new, empty program; its creator becomes its lead."""
        name = " ".join(name.split())
        if not name:
            raise WorkspaceError("A program needs a name.", "Type a name, e.g. “2026 coaching”.")
        if len(name) > 200:
            raise WorkspaceError("The program's name is longer than 200 characters.",
                                 "Use a shorter name.")
        floor = min_cell_floor()
        k = floor if k is None else int(k)
        if k < floor:
            raise WorkspaceError(f"The minimum group size {k} is below this deployment's {floor}.",
                                 f"Use {floor} or more.")
        try:
            with self._transaction() as session:
                program = Program(name=name, description=description.strip(), k=k,
                                  owner=actor.name, created_at=_now(), revision=0)
                session.add(program)
                session.flush()
                session.add(Membership(program_id=program.id, user=actor.key, role=Role.LEAD,
                                       granted_by=actor.name, granted_at=_now()))
                self._audit(session, actor, program, "program created",
                            f"minimum group size {k}")
                return self._info(session, program, Role.LEAD)
        except IntegrityError as error:
            raise WorkspaceError(f"A program called “{name}” already exists.",
                                 "Choose another name, or open the existing program.") from error

    def programs(self, actor: Actor) -> list[ProgramInfo]:
        """The programs the actor may open, by name."""
        with self._transaction() as session:
            if actor.every_role:
                rows = [(p, None) for p in session.scalars(select(Program))]
            else:
                rows = [(p, Role(r)) for p, r in session.execute(
                    select(Program, Membership.role).join(
                        Membership, Membership.program_id == Program.id)
                    .where(Membership.user == actor.key))]
            visible = [(p, r) for p, r in rows
                       if p.published_at is not None
                       or Permission.VIEW_DRAFT in permissions(r, actor)]
            return sorted((self._info(session, p, r) for p, r in visible),
                          key=lambda info: info.name.lower())

    def program(self, actor: Actor, ref: int | str,
                permission: Permission = Permission.VIEW_RESULTS) -> ProgramInfo:
        with self._transaction() as session:
            program, role = self._authorised(session, actor, ref, permission)
            return self._info(session, program, role)

    def may(self, actor: Actor, ref: int | str, permission: Permission) -> bool:
        try:
            self.program(actor, ref, permission)
        except AccessDenied:
            return False
        return True

    # --- waves ------------------------------------------------------------------------

    def add_upload(self, actor: Actor, ref: int | str, prepared: PreparedProgram,
                   content_digest: str, *, mapping_json: str | None = None) -> UploadReceipt:
        """Save a prepared upload's waves (and roster) in one transaction.

        Refused, with nothing written, when the upload is not ready for analysis, when
        the same file was saved before, when a wave already holds answers from these
        participants, or when a follow-up wave's codes match nobody in earlier waves
        (a different id column or a changed secret would make every code new).
        """
        program_data = prepared.program
        if program_data is None or has_blocking(prepared.findings):
            raise WorkspaceError("This upload is not ready for analysis, so it was not saved.",
                                 "Fix what the Data page lists first.")
        responses = program_data.responses
        if responses.empty:
            raise WorkspaceError("This upload holds no responses.", "Upload a survey export.")
        rows = response_rows(responses)
        try:
            with self._transaction() as session:
                # The row lock queues a concurrent upload to the same program behind this one.
                program, _ = self._authorised(session, actor, ref, Permission.MANAGE_DATA,
                                              lock=True)
                session.execute(update(Program).where(Program.id == program.id)
                                .values(revision=Program.revision + 1))
                self._refuse_repeats(session, program, responses, content_digest)
                waves = tuple(order_waves(responses[WAVE].astype(str).unique(),
                                                 self._wave_order(program)))
                matched = self._check_codes_match(session, program, responses, waves)
                upload = Upload(program_id=program.id, uploaded_at=_now(),
                                uploaded_by=actor.name, content_digest=content_digest,
                                waves=list(waves), n_rows=len(rows),
                                n_participants=int(responses[PARTICIPANT_ID].nunique()))
                session.add(upload)
                session.flush()
                for start in range(0, len(rows), INSERT_BATCH):
                    batch = rows[start:start + INSERT_BATCH]
                    session.execute(Response.__table__.insert(), [
                        {**row, "program_id": program.id, "upload_id": upload.id}
                        for row in batch])
                if program_data.roster is not None:
                    self._save_roster(session, program, program_data.roster)
                new_mapping = mapping_json
                mapping_changed = bool(new_mapping and program.mapping_json
                                       and new_mapping != program.mapping_json)
                if new_mapping and new_mapping != program.mapping_json:
                    program.mapping_json = new_mapping
                saved = outcomes_from_json(program.outcomes)
                program.outcomes = outcomes_json(
                    merged_outcomes(saved, program_data.outcomes))
                self._audit(session, actor, program, "upload",
                            f"waves {', '.join(waves)}: {len(rows)} responses from "
                            f"{upload.n_participants} participants"
                            + (", with a roster" if program_data.roster is not None else ""))
                if mapping_changed:
                    self._audit(session, actor, program, "mapping changed",
                                "the column mapping saved with this upload replaced the old one")
                return UploadReceipt(upload.id, waves, len(rows), upload.n_participants,
                                     matched, mapping_changed)
        except IntegrityError as error:
            raise UploadConflict(
                "Another upload to this program was saved at the same moment with answers "
                "for the same wave and participants; yours was not saved.",
                "Reload the program to see what is saved now, then upload again if needed.",
            ) from error

    @staticmethod
    def _refuse_repeats(session: Session, program: Program, responses: pd.DataFrame,
                        digest: str) -> None:
        earlier = session.scalar(select(Upload.uploaded_at).where(
            Upload.program_id == program.id, Upload.content_digest == digest))
        if earlier is not None:
            raise UploadConflict(
                f"These files were already saved to “{program.name}” on "
                f"{_aware(earlier):%d %b %Y at %H:%M} UTC; nothing was added.",
                "Upload the new wave's export instead.")
        for wave, codes in responses.groupby(WAVE, observed=True)[PARTICIPANT_ID]:
            saved = set(session.scalars(select(Response.participant_code).where(
                Response.program_id == program.id, Response.wave == str(wave))))
            clash = saved & set(codes.astype(str))
            if clash:
                raise UploadConflict(
                    f"The {wave} wave of “{program.name}” already holds answers from "
                    f"{len(clash)} of the participants in this upload: this wave seems to "
                    "have been uploaded before. Nothing was saved.",
                    "If this is a later survey, name its wave (e.g. 12m) when you upload it; "
                    "to replace a wave, ask the lead to erase it first.")

    @staticmethod
    def _check_codes_match(session: Session, program: Program, responses: pd.DataFrame,
                           waves: Sequence[str]) -> int:
        saved_codes = set(session.scalars(select(func.distinct(Response.participant_code))
                                          .where(Response.program_id == program.id)))
        codes = set(responses[PARTICIPANT_ID].astype(str))
        matched = len(codes & saved_codes)
        saved_waves = set(session.scalars(select(func.distinct(Response.wave))
                                          .where(Response.program_id == program.id)))
        if saved_codes and matched == 0 and not set(waves) & saved_waves:
            follow_ups = [w for w in waves if w not in saved_waves]
            earliest_saved = order_waves([*saved_waves, *waves])[0]
            if earliest_saved in saved_waves:
                raise UploadConflict(
                    f"None of the {len(codes)} participant codes in the {', '.join(follow_ups)} "
                    f"wave match anyone in the waves already saved in “{program.name}”. "
                    "Nothing was saved.",
                    "Check that the participant id column is the same one as before and that "
                    "this deployment's secret (COACHING_EVAL_SECRET) has not changed.")
        return matched

    @staticmethod
    def _save_roster(session: Session, program: Program, roster: pd.DataFrame) -> None:
        """A roster upload is the current state: each listed person's entry is replaced."""
        rows = roster_rows(roster)
        codes = [row["participant_code"] for row in rows]
        for start in range(0, len(codes), INSERT_BATCH):
            session.execute(delete(RosterEntry).where(
                RosterEntry.program_id == program.id,
                RosterEntry.participant_code.in_(codes[start:start + INSERT_BATCH])))
        for start in range(0, len(rows), INSERT_BATCH):
            session.execute(RosterEntry.__table__.insert(), [
                {**row, "program_id": program.id} for row in rows[start:start + INSERT_BATCH]])

    def load(self, actor: Actor, ref: int | str) -> StoredProgram:
        """The program's data: every wave for its lead, the published waves for others."""
        with self._transaction() as session:
            program, role = self._authorised(session, actor, ref, Permission.VIEW_RESULTS)
            info = self._info(session, program, role)
            through = None
            query = select(Response.wave, Response.participant_code, Response.group,
                           Response.attributes, Response.answers).where(
                Response.program_id == program.id).order_by(Response.id)
            if Permission.VIEW_DRAFT not in permissions(role, actor):
                through = program.published_upload_id or 0
                query = query.where(Response.upload_id <= through)
            else:
                through = session.scalar(select(func.max(Upload.id))
                                         .where(Upload.program_id == program.id))
            rows = session.execute(query).all()
            saved_roster = session.execute(
                select(RosterEntry.participant_code, RosterEntry.fields)
                .where(RosterEntry.program_id == program.id).order_by(RosterEntry.id)).all()
            data = None
            if rows:
                responses = responses_frame(rows, self._wave_order(program))
                has_comparison = bool((responses[GROUP] == COMPARISON).any())
                data = ProgramData(
                    responses=responses,
                    outcomes=outcomes_from_json(program.outcomes),
                    roster=roster_frame(saved_roster),
                    notes=() if has_comparison else (NO_COMPARISON_CAVEAT,),
                )
            return StoredProgram(info, data, program.mapping_json, program.scenario_json,
                                 through)

    def saved_settings(self, actor: Actor, ref: int | str) -> tuple[str | None, str | None]:
        """The program's saved column mapping and ROI scenario (JSON), without its rows."""
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.VIEW_RESULTS)
            return program.mapping_json, program.scenario_json

    # --- settings a lead changes --------------------------------------------------------

    def set_mapping(self, actor: Actor, ref: int | str, mapping_json: str) -> None:
        mapping_from_json(mapping_json)  # refuse an unreadable mapping before saving it
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_DATA)
            if program.mapping_json != mapping_json:
                program.mapping_json = mapping_json
                self._audit(session, actor, program, "mapping changed")

    def set_scenario(self, actor: Actor, ref: int | str, scenario_json: str,
                     summary_of_change: str = "") -> None:
        """Save the program's ROI scenario (its own costs and assumptions)."""
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_DATA)
            if program.scenario_json != scenario_json:
                program.scenario_json = scenario_json
                self._audit(session, actor, program, "costs changed", summary_of_change)

    def update_program(self, actor: Actor, ref: int | str, *, description: str | None = None,
                       k: int | None = None) -> None:
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_DATA)
            changes = []
            if description is not None and description.strip() != program.description:
                program.description = description.strip()
                changes.append("description")
            if k is not None and k != program.k:
                if k < min_cell_floor():
                    raise WorkspaceError(
                        f"The minimum group size {k} is below this deployment's "
                        f"{min_cell_floor()}.", f"Use {min_cell_floor()} or more.")
                changes.append(f"minimum group size {program.k} → {k}")
                program.k = k
            if changes:
                self._audit(session, actor, program, "program changed", "; ".join(changes))

    def publish(self, actor: Actor, ref: int | str,
                tables: Mapping[str, pd.DataFrame]) -> ProgramInfo:
        """Show the waves saved so far to executives and analysts, and keep the aggregate
        tables (small cells already withheld) so they outlive participant-level rows."""
        with self._transaction() as session:
            program, role = self._authorised(session, actor, ref, Permission.MANAGE_DATA,
                                              lock=True)
            newest = session.scalar(select(func.max(Upload.id))
                                    .where(Upload.program_id == program.id))
            if newest is None:
                raise WorkspaceError("There is nothing to publish yet.", "Save a wave first.")
            now = _now()
            program.published_upload_id = newest
            program.published_at = now
            session.execute(delete(PublishedTable).where(PublishedTable.program_id == program.id))
            for name, table in tables.items():
                content = json.loads(table.reset_index(drop=True)
                                     .to_json(orient="table", index=False, date_unit="s"))
                session.add(PublishedTable(program_id=program.id, name=name, content=content,
                                           published_at=now))
            self._audit(session, actor, program, "published",
                        f"{len(tables)} tables; waves up to upload {newest}")
            return self._info(session, program, role)

    def published_tables(self, actor: Actor, ref: int | str) -> dict[str, pd.DataFrame]:
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.DOWNLOAD)
            return {t.name: pd.read_json(io.StringIO(json.dumps(t.content)), orient="table")
                    for t in session.scalars(select(PublishedTable).where(
                        PublishedTable.program_id == program.id).order_by(PublishedTable.name))}

    # --- action log and disclosure state ------------------------------------------------

    def add_action(self, actor: Actor, ref: int | str, on_date: date, label: str) -> None:
        label = " ".join(label.split())
        if not label:
            raise WorkspaceError("An action needs a short label.", "E.g. “cohort 2 started”.")
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_DATA)
            session.add(ActionEntry(program_id=program.id, on_date=on_date, label=label[:200],
                                    created_by=actor.name, created_at=_now()))
            self._audit(session, actor, program, "action logged", f"{on_date:%Y-%m-%d}")

    def actions(self, actor: Actor, ref: int | str) -> pd.DataFrame:
        """The program's dated events (date, label), oldest first."""
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.VIEW_RESULTS)
            rows = session.execute(select(ActionEntry.on_date, ActionEntry.label).where(
                ActionEntry.program_id == program.id).order_by(ActionEntry.on_date,
                                                               ActionEntry.id)).all()
            return pd.DataFrame(rows, columns=["date", "label"])

    def wave_dates(self, actor: Actor, ref: int | str) -> dict[str, date]:
        """The day each wave this actor may see was first saved: where the trend charts
        put the action log's dated events between the waves (the survey date is not
        stored; a wave is saved when its export arrives, so this is close to it)."""
        with self._transaction() as session:
            program, role = self._authorised(session, actor, ref, Permission.VIEW_RESULTS)
            query = select(Upload.uploaded_at, Upload.waves).where(
                Upload.program_id == program.id).order_by(Upload.id)
            if Permission.VIEW_DRAFT not in permissions(role, actor):
                query = query.where(Upload.id <= (program.published_upload_id or 0))
            dates: dict[str, date] = {}
            for uploaded_at, waves in session.execute(query).all():
                for wave in waves:
                    dates.setdefault(str(wave), uploaded_at.date())
            return dates

    def disclosure_state(self, actor: Actor, ref: int | str) -> tuple[dict | None, int]:
        """The program's disclosure-control ledger (JSON) and its version (0 when none)."""
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.VIEW_RESULTS)
            saved = session.get(DisclosureState, program.id)
            return (saved.state, saved.version) if saved else (None, 0)

    def save_disclosure_state(self, actor: Actor, ref: int | str, state: dict,
                              expected_version: int) -> int:
        """Store the ledger if nobody changed it since ``expected_version``; the new version.

        A concurrent change by another session raises :class:`UploadConflict`: the caller
        reloads the ledger and re-checks its release against it (two sessions must not
        both release views that difference each other).
        """
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.VIEW_RESULTS)
            saved = session.get(DisclosureState, program.id, with_for_update=True)
            current = saved.version if saved else 0
            if current != expected_version:
                raise UploadConflict("Another session changed this program's disclosure "
                                     "record at the same time.", "Reload the page.")
            if saved is None:
                session.add(DisclosureState(program_id=program.id, state=state, version=1,
                                            updated_at=_now()))
                return 1
            saved.state, saved.version, saved.updated_at = state, current + 1, _now()
            return current + 1

    def release_plan(self, actor: Actor, ref: int | str, key: str,
                     make: Callable[[], ReleasePlan]) -> ReleasePlan:
        """The program's release plan (methods §8.1) for one version of its data and k.

        The first session that needs it computes it with ``make`` and stores it in the
        disclosure ledger under ``key`` (which names the data version and k); every later
        session and user of the program gets the stored plan, so two people looking at
        the same program are answered from one plan, even after a deployment changes how
        plans are made. Every plan ever used stays in the ledger, for an audit of what
        could have been released. Two sessions storing at once: the second re-reads the
        ledger and takes the plan the first stored.
        """
        for _ in range(5):
            ledger, version = self.disclosure_state(actor, ref)
            plans = dict((ledger or {}).get(RELEASE_PLANS, {}))
            if key in plans:
                return ReleasePlan.from_json(plans[key])
            plan = make()
            plans[key] = plan.to_json()
            try:
                self.save_disclosure_state(actor, ref, {**(ledger or {}), RELEASE_PLANS: plans},
                                           version)
            except UploadConflict:
                continue  # another session stored first: read its plan
            return plan
        raise UploadConflict("This program's disclosure record kept changing while the "
                             "page was opened.", "Reload the page.")

    # --- access -------------------------------------------------------------------------

    def members(self, actor: Actor, ref: int | str) -> list[Member]:
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_ACCESS)
            return [Member(m.user, Role(m.role), m.granted_by, _aware(m.granted_at))
                    for m in session.scalars(select(Membership).where(
                        Membership.program_id == program.id).order_by(Membership.user))]

    def grant(self, actor: Actor, ref: int | str, user: str, role: Role | str) -> None:
        """Give ``user`` (an e-mail address, as the identity provider reports it) a role."""
        role = Role(role)
        user = user.strip().lower()
        if "@" not in user or len(user) > 320 or any(c.isspace() for c in user):
            raise WorkspaceError(f"“{user}” is not an e-mail address.",
                                 "Use the address the person signs in with.")
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_ACCESS)
            member = session.scalar(select(Membership).where(
                Membership.program_id == program.id, Membership.user == user))
            if member is not None and member.role == role:
                return
            if member is not None and member.role == Role.LEAD and role != Role.LEAD:
                self._keep_a_lead(session, program, user)
            before = member.role if member else None
            if member is None:
                session.add(Membership(program_id=program.id, user=user, role=role,
                                       granted_by=actor.name, granted_at=_now()))
            else:
                member.role, member.granted_by, member.granted_at = role, actor.name, _now()
            self._audit(session, actor, program, "role changed" if before else "role granted",
                        f"{user}: {before + ' → ' if before else ''}{role.value}")

    def revoke(self, actor: Actor, ref: int | str, user: str) -> None:
        user = user.strip().lower()
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_ACCESS)
            member = session.scalar(select(Membership).where(
                Membership.program_id == program.id, Membership.user == user))
            if member is None:
                return
            if member.role == Role.LEAD:
                self._keep_a_lead(session, program, user)
            session.delete(member)
            self._audit(session, actor, program, "role withdrawn", f"{user}: {member.role}")

    @staticmethod
    def _keep_a_lead(session: Session, program: Program, leaving: str) -> None:
        leads = session.scalar(select(func.count()).where(
            Membership.program_id == program.id, Membership.role == Role.LEAD,
            Membership.user != leaving))
        if not leads:
            raise WorkspaceError(f"“{program.name}” would have no lead left.",
                                 "Make someone else lead first.")

    # --- audit ----------------------------------------------------------------------------

    def record(self, actor: Actor, ref: int | str, action: str, detail: str = "") -> None:
        """Log a page view or a download, after checking the actor may see the program."""
        with self._transaction() as session:
            permission = Permission.DOWNLOAD if action == "download" else Permission.VIEW_RESULTS
            program, _ = self._authorised(session, actor, ref, permission)
            self._audit(session, actor, program, action, detail[:500])

    def audit_trail(self, actor: Actor, ref: int | str) -> pd.DataFrame:
        """Every event of the program, newest first: time (UTC), user, action, detail."""
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.VIEW_AUDIT)
            rows = session.execute(
                select(AuditEvent.at, AuditEvent.user, AuditEvent.action, AuditEvent.detail)
                .where(AuditEvent.program_id == program.id)
                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
            frame = pd.DataFrame(rows, columns=["time", "user", "action", "detail"])
            frame["time"] = pd.to_datetime(frame["time"], utc=True)
            return frame

    # --- erasure and retention ----------------------------------------------------------

    def delete_program(self, actor: Actor, ref: int | str) -> None:
        """Delete the program and every row it owns; the audit trail keeps the event."""
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_DATA, lock=True)
            counts = self._drop_participant_rows(session, program.id)
            self._audit(session, actor, program, "program deleted",
                        f"{counts[0]} responses and {counts[1]} roster rows deleted")
            for table in (ActionEntry, Membership, PublishedTable, DisclosureState, Upload):
                session.execute(delete(table).where(table.program_id == program.id))
            session.delete(program)

    def erase_participant(self, actor: Actor, ref: int | str, code: str,
                          key: bytes | None = None) -> int:
        """Delete one person's responses and roster entry by their code as uploaded.

        The code is tidied and hashed with this deployment's secret exactly as uploads
        are (" p 0001" finds P0001), so the
        request works on pseudonyms without the code ever being stored or logged.
        Returns the number of rows deleted.
        """
        tidied, _ = normalise_participant_codes(pd.Series([code], dtype=object))
        hashed = pseudonymise_ids(tidied, key).iat[0]
        if hashed is pd.NA or hashed is None:
            raise WorkspaceError("Type the participant's code as it appears in the export.")
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_DATA, lock=True)
            n_responses = session.execute(delete(Response).where(
                Response.program_id == program.id,
                Response.participant_code == hashed)).rowcount
            n_roster = session.execute(delete(RosterEntry).where(
                RosterEntry.program_id == program.id,
                RosterEntry.participant_code == hashed)).rowcount
            if n_responses or n_roster:
                program.revision += 1
            self._audit(session, actor, program, "participant erased",
                        f"{n_responses} responses and {n_roster} roster rows deleted"
                        if n_responses or n_roster else "no rows matched the code")
            return n_responses + n_roster

    def set_retention(self, actor: Actor, ref: int | str, days: int | None) -> None:
        if days is not None and days < 1:
            raise WorkspaceError("The retention period must be at least one day.")
        with self._transaction() as session:
            program, _ = self._authorised(session, actor, ref, Permission.MANAGE_DATA)
            if program.retention_days != days:
                program.retention_days = days
                self._audit(session, actor, program, "retention changed",
                            f"{days} days after the last wave" if days else "kept until deleted")

    def apply_retention(self, now: datetime | None = None,
                        actor: Actor | None = None) -> list[str]:
        """Drop participant-level rows of programs whose retention period has run out.

        Published tables stay. Returns the names of the programs whose rows went.
        """
        now = now or _now()
        actor = actor or Actor("retention schedule", every_role=True)
        dropped = []
        with self._transaction() as session:
            candidates = session.scalars(select(Program).where(
                Program.retention_days.is_not(None), Program.rows_dropped_at.is_(None))).all()
            for program in candidates:
                last = _aware(session.scalar(select(func.max(Upload.uploaded_at))
                                             .where(Upload.program_id == program.id)))
                if last is None or last + timedelta(days=program.retention_days) > now:
                    continue
                counts = self._drop_participant_rows(session, program.id)
                program.rows_dropped_at = now
                program.revision += 1
                self._audit(session, actor, program, "retention applied",
                            f"{counts[0]} responses and {counts[1]} roster rows deleted "
                            f"{program.retention_days} days after the last wave; published "
                            "tables kept")
                dropped.append(program.name)
        return dropped

    @staticmethod
    def _drop_participant_rows(session: Session, program_id: int) -> tuple[int, int]:
        n_responses = session.execute(delete(Response).where(
            Response.program_id == program_id)).rowcount
        n_roster = session.execute(delete(RosterEntry).where(
            RosterEntry.program_id == program_id)).rowcount
        return n_responses, n_roster


RELEASE_PLANS = "release_plans"  # ledger key: data version and k → ReleasePlan JSON


def content_digest(parts: Sequence[str | bytes]) -> str:
    """One SHA-256 over an upload's file digests (or bytes): the 'saved before?' key."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part if isinstance(part, bytes) else part.encode())
        hasher.update(b"|")
    return hasher.hexdigest()
