"""placeholder while building"""

import streamlit as st

st.write("weak")
