"""The Streamlit app: thin pages that call the ``analysis`` package and render."""
