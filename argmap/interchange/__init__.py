"""Maps in and out: one module per format (native JSON, AIF, Argdown, GraphML, CSV)."""
