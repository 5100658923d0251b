# ediplomacy web, worker and beat image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# DejaVu: the certificate PDF's Unicode font (credentials/artefacts.py).
# Noto core and CJK: pages in Arabic and Chinese render with the system's own
# fonts (static/css/site.css), nothing downloaded. gettext: the catalogues'
# check and `make messages` (docs/i18n.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-noto-core fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 app
WORKDIR /app

COPY pyproject.toml README.md ./
# SAML single sign-on's xmlsec installs from its manylinux wheel, libxmlsec1
# inside: no compiler or -dev package is needed here.
RUN pip install .

COPY --chown=app:app . .
# collectstatic needs settings but no secrets or database.
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

USER app
EXPOSE 8000
CMD ["gunicorn", "ediplomacy.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
