"""ClassDesk: the registration desk for the Nantong credit-manager training class."""

__version__ = "0.1.0"
