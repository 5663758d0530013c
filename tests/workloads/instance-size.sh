#!/bin/bash
# Prints the --test-size a workload of run.sh needs: instance-size.sh WORKLOAD
case ${1%.py} in
rpc_fanout) echo 4 ;;
watch_chaining | replacement_updates | missing_version_wait | reactor_blocking | scattered_triggers | requeue_storm | lookupat_root) echo 2 ;;
*) echo "instance-size.sh: unknown workload $1" >&2; exit 2 ;;
esac
