// The KVS roots of a trace by version, for reads at a given root
// (flux_kvs_lookupat): every (rootref, rootseq) pair that a kvs.commit,
// kvs.getroot, kvs.wait-version or kvs.lookup-plus answer or a
// kvs.namespace-NS-setroot event named, and the API calls that handed the
// program a root (flux_kvs_commit_get_treeobj / _rootref,
// flux_kvs_getroot_get_treeobj / _blobref).
//
//     KvsRoots roots(model);
//     std::int64_t seq = roots.version_of(instance, "primary", blobref);
//     const RootOrigin *o = roots.origin(instance, blobref, lookupat_record);
//
// A commit answered by a follower names the root from before the commit with
// that root's own sequence (flux-core 0.88), so every pair is a true one.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "../hb/model.hpp"

namespace fluxtrace::checkers {

// An API call that returned a root to the program.
struct RootOrigin {
    hb::RecordId record = hb::kNoRecord; // its kvs_result record
    hb::InstanceId instance = hb::kNoInstance;
    std::string blobref;
    bool from_commit = false; // flux_kvs_commit_get_*; else flux_kvs_getroot_get_*
    std::string call;         // "flux_kvs_commit_get_treeobj()", ...
};

class KvsRoots {
  public:
    explicit KvsRoots(const hb::Model &m);

    // The root sequence (version) of `blobref` in namespace `ns`; -1 when no
    // answer or event of the trace named it.
    std::int64_t version_of(hb::InstanceId instance, const std::string &ns,
                            const std::string &blobref) const;
    // The last call that handed out `blobref` and happens before `use`;
    // nullptr when none did.
    const RootOrigin *origin(hb::InstanceId instance, const std::string &blobref,
                             hb::RecordId use) const;

  private:
    void name(hb::InstanceId instance, const std::string &ns, const nlohmann::json &j);

    const hb::Model &m_;
    std::map<std::tuple<hb::InstanceId, std::string, std::string>, std::int64_t> seq_;
    std::vector<RootOrigin> origins_; // in record order
};

} // namespace fluxtrace::checkers
