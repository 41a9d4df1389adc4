"""The write side: rules that the views, the API and the CLI share. Operations flush, never commit."""
