"""Settings, one module per purpose: ``base`` (embedded default and env-driven), ``test``,
``production``. Everything is read from the environment (django-environ)."""
