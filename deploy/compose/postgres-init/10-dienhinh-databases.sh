#!/bin/sh
# PostgreSQL's image runs this once, on its first start with an empty data volume: a login
# role and a database per dienhinh service, each owning only its own (a service's migrations
# create its tables at its start). The passwords come from .env through compose.yaml.
set -eu
for service in registry intake evaluation reporting; do
  case $service in
    registry) password=$REGISTRY_DB_PASSWORD ;;
    intake) password=$INTAKE_DB_PASSWORD ;;
    evaluation) password=$EVALUATION_DB_PASSWORD ;;
    reporting) password=$REPORTING_DB_PASSWORD ;;
  esac
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v service="$service" -v password="$password" <<'SQL'
CREATE ROLE :"service" LOGIN PASSWORD :'password';
CREATE DATABASE :"service" OWNER :"service" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"service" FROM PUBLIC;
SQL
done
