#!/bin/bash
# Writes rabbitmq.conf from the official image's environment variables, then runs the broker in the foreground.
set -euo pipefail
if [ "${1:-}" != rabbitmq-server ]; then exec "$@"; fi
{
  echo "loopback_users.guest = false"
  echo "listeners.tcp.default = 5672"
  echo "default_user = ${RABBITMQ_DEFAULT_USER:-guest}"
  echo "default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}"
  echo "default_vhost = ${RABBITMQ_DEFAULT_VHOST:-/}"
  echo "log.console = true"
  echo "log.file = false"
} > /etc/rabbitmq/rabbitmq.conf
export RABBITMQ_CONFIG_FILE=/etc/rabbitmq/rabbitmq
exec /usr/lib/rabbitmq/bin/rabbitmq-server
