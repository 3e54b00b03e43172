"""The command line's parts: shared argument types (``cli.arguments``) and the commands' own modules."""
