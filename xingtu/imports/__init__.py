"""Importing county workbooks: read, check, apply as a new dataset version."""
