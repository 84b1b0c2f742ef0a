"""The domain's rules: what each step does to the aggregates it is handed, through a ``Unit``."""
