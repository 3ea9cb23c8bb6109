"""星图 (Xingtu): the Five-Star Branch dashboard.

Layers: ``xingtu.domain`` is pure (rules, metrics, no I/O, no Streamlit);
``xingtu.reference`` reads the committed reference extracts; ``xingtu.demo`` generates
the sample dataset; ``xingtu.store`` builds the DuckDB store and is the only module
pages query.
"""
