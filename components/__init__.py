"""Streamlit components: each owns its widget state and splits pure build_* from render_*."""
