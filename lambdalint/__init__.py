"""lambdalint: will this Lambda function's dependencies be there at cold start?"""

__version__ = "0.1.0"
