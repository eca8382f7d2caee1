#!/bin/sh
exec autoreconf --force --install --verbose "$(dirname "$0")"
