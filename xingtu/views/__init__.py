"""Views: every number a user reads, computed once, as plain data (no Streamlit, no HTML).

Pages, the big screen, the briefing and exports format these values; none computes them again.
"""
