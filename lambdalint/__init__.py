"""lambdalint: are a Lambda function's dependencies there at cold start, and at what cost."""

__version__ = "0.1.0"
