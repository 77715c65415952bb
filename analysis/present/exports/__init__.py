"""Everything that leaves the program as a file: CSV, Excel, HTML, PDF, PowerPoint, ZIP.

* :mod:`.safety`: formula neutralising for spreadsheets and "< k" for withheld counts;
* :mod:`.csv`, :mod:`.xlsx`, :mod:`.html`, :mod:`.pdf`, :mod:`.pptx`: one writer each;
* :mod:`.images`: charts as static images (plotly through kaleido and the system's
  Chromium) for the HTML report, the PDF brief and the deck;
* :mod:`.pack`: a ZIP with one brief per site or department that meets the minimum size.

Tables reaching these modules have already been through disclosure control; nothing here
adds row-level data.
"""
