"""Single source of the package version (read by setup.cfg and the model manifest)."""

__version__ = "0.1.0"
