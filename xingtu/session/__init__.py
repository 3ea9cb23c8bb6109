"""The session door: the one place that knows the Streamlit session.

``access`` holds the session's principal, checks every read against its scope, caches the
store's answers at the app boundary by small parameters and the data version, and writes the
audit log; ``admin`` does the same for imports, templates and version changes (admins only).
Below this door the store and the domain never import Streamlit, and the store never imports
the importer.
"""
