"""floorwalker: the contact-center manager's workbench."""

__version__ = "0.1.0"
