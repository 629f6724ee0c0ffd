"""socialops: a Slack bot for a brand's social media team."""

__version__ = "0.1.0"
