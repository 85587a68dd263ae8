"""``python -m dunning_nlp`` runs the CLI."""

import sys

from .cli.app import main

sys.exit(main())
