"""The trivial page of the load benchmark: a title and 20 lines of text, nothing else.

``bench/bench_load.py`` serves it as its own server (``streamlit run app.py`` in this folder,
with the app's server settings) and drives it like the app; its server CPU per rerun is
Streamlit's own cost of a run and a few elements, the floor no page can go under, and the
app's cost per rerun is reported as a ratio to it. It has no widget: a session reruns it
unchanged by sending the same ``rerun_script`` again, as the browser's "Rerun" does.
"""

import streamlit as st

st.title("Trivial page")
for line in range(1, 21):
    st.write(f"Line {line} of twenty lines of plain text.")
