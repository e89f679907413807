"""Settings of the e2e Django project: the database comes from DJ_DB_* environment variables.

PyMySQL stands in for mysqlclient (install_as_MySQLdb). Every SQL statement Django sends is
logged (logger django.db.backends, DEBUG = True) to the file DJ_SQL_LOG when it is set, so a
failing step can show the statement the server refused (Django logs a statement after it ran,
failed or not).
"""

import os

import pymysql

pymysql.install_as_MySQLdb()

SECRET_KEY = "rewind-e2e-not-a-secret"
DEBUG = True
ALLOWED_HOSTS: list[str] = []
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": os.environ.get("DJ_DB_NAME", "djshop"),
        "HOST": os.environ.get("DJ_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DJ_DB_PORT", "3306"),
        "USER": os.environ.get("DJ_DB_USER", "admin"),
        "PASSWORD": os.environ.get("DJ_DB_PASSWORD", ""),
        "OPTIONS": {"charset": "utf8mb4", "connect_timeout": 5, "read_timeout": 60},
        "TEST": {"NAME": "test_" + os.environ.get("DJ_DB_NAME", "djshop")},
    }
}

_log = os.environ.get("DJ_SQL_LOG")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"sql": {"format": "%(name)s %(message)s"}},
    "handlers": {
        "sql": {"class": "logging.FileHandler", "filename": _log, "formatter": "sql"}
        if _log
        else {"class": "logging.NullHandler"},
    },
    "loggers": {"django.db.backends": {"handlers": ["sql"], "level": "DEBUG", "propagate": False}},
}
