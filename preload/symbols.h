/* Every real function the shim calls or wraps.  Adding a wrapper means adding
 * its name here and one FT_WRAP line beside its kin. */
#ifndef FLUXTRACE_SYMBOLS_H
#define FLUXTRACE_SYMBOLS_H

#define FT_FLUX_SYMBOLS(X)                                                                                            \
    X(flux_open)                                                                                                      \
    X(flux_open_ex)                                                                                                   \
    X(flux_close)                                                                                                     \
    X(flux_clone)                                                                                                     \
    X(flux_get_reactor)                                                                                               \
    X(flux_send)                                                                                                      \
    X(flux_send_new) X(flux_recv) X(flux_requeue) X(flux_attr_get) X(flux_attr_set_cacheonly) X(                      \
        flux_get_rank) X(flux_get_size) X(flux_msg_get_type) X(flux_msg_get_topic) X(flux_msg_get_nodeid)             \
        X(flux_msg_get_matchtag) X(flux_msg_get_seq) X(flux_msg_get_errnum) X(flux_msg_get_payload) X(                \
            flux_msg_has_flag) X(flux_msg_route_first) X(flux_msg_route_count) X(flux_rpc)                            \
            X(flux_rpc_pack) X(flux_rpc_vpack) X(flux_rpc_raw) X(flux_rpc_message) X(                                 \
                flux_rpc_get) X(flux_rpc_get_raw) X(flux_rpc_get_matchtag) X(flux_future_then)                        \
                X(flux_future_and_then) X(flux_future_or_then) X(flux_future_wait_for) X(                             \
                    flux_future_is_ready) X(flux_future_reset) X(flux_future_destroy) X(flux_future_aux_get)          \
                    X(flux_future_aux_set) X(flux_future_create) X(flux_future_get) X(                                \
                        flux_future_fulfill) X(flux_future_fulfill_error) X(flux_reactor_run)                         \
                        X(flux_handle_watcher_create) X(flux_fd_watcher_create) X(                                    \
                            flux_timer_watcher_create) X(flux_periodic_watcher_create) X(flux_periodic_watcher_reset) \
                            X(flux_prepare_watcher_create) X(flux_check_watcher_create) X(                            \
                                flux_idle_watcher_create) X(flux_signal_watcher_create) X(flux_stat_watcher_create)   \
                                X(flux_watcher_start) X(flux_watcher_stop) X(flux_watcher_unref) X(                   \
                                    flux_watcher_destroy) X(flux_msg_handler_create) X(flux_msg_handler_destroy)      \
                                    X(flux_event_subscribe) X(flux_event_unsubscribe) X(                              \
                                        flux_event_subscribe_ex) X(flux_event_unsubscribe_ex)                         \
                                        X(flux_event_publish) X(flux_event_publish_raw) X(                            \
                                            flux_event_publish_get_seq) X(flux_kvs_lookup)                            \
                                            X(flux_kvs_lookupat) X(flux_kvs_lookup_get) X(                            \
                                                flux_kvs_lookup_get_raw) X(flux_kvs_lookup_get_treeobj)               \
                                                X(flux_kvs_lookup_get_dir) X(flux_kvs_lookup_get_symlink) X(          \
                                                    flux_kvs_lookup_cancel) X(flux_kvs_commit)                        \
                                                    X(flux_kvs_commit_get_treeobj) X(                                 \
                                                        flux_kvs_commit_get_rootref) X(flux_kvs_commit_get_sequence)  \
                                                        X(flux_kvs_txn_create) X(                                     \
                                                            flux_kvs_txn_destroy) X(flux_kvs_txn_put)                 \
                                                            X(flux_kvs_txn_vpack) X(                                  \
                                                                flux_kvs_txn_put_raw) X(flux_kvs_txn_put_treeobj)     \
                                                                X(flux_kvs_txn_mkdir) X(                              \
                                                                    flux_kvs_txn_unlink) X(flux_kvs_txn_symlink)      \
                                                                    X(flux_kvs_txn_clear) X(                          \
                                                                        flux_kvs_get_version)                         \
                                                                        X(flux_kvs_wait_version) X(                   \
                                                                            flux_kvs_getroot)                         \
                                                                            X(flux_kvs_getroot_get_treeobj)           \
                                                                                X(flux_kvs_getroot_get_blobref)       \
                                                                                    X(flux_kvs_getroot_get_sequence)

#define FT_LIBC_SYMBOLS(X)                                                               \
    X(fork)                                                                              \
    X(execve)                                                                            \
    X(execv)                                                                             \
    X(execvp)                                                                            \
    X(execvpe) X(posix_spawn) X(posix_spawnp) X(pthread_create) X(close) X(fclose)

#endif
