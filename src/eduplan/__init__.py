"""eduplan: a county education development plan as measured, monitored commitments."""

__version__ = "0.1.0"
