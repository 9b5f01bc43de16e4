"""Files Sentidesk ships (templates, demo tickets, fonts, translations, training data).

Installed as the package ``sentidesk_resources``; code finds these files through
``inference.resources.resource_path``, never through paths relative to this folder.
"""
