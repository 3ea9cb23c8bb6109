"""The HTTP side of the server: routes and middleware mounted beside the Streamlit app.

Nothing here imports the Streamlit script API; every request is checked on its own, from
its cookies and the shared state on disk (sessions, audit log, users file).
"""
