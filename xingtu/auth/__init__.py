"""Who may see what: principals and scopes, accounts, signed share links, the audit log (no Streamlit)."""
