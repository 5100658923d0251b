import os

from django.core.asgi import get_asgi_application

from ediplomacy.lib.env import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ediplomacy.settings")

application = get_asgi_application()
require_secret_key()
