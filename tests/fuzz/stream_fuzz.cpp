// libFuzzer target: the fast CTF stream decoder, fed one stream data file's
// bytes against a committed trace's metadata (FLUXTRACE_FUZZ_METADATA, the
// fixture its seeds come from).  The check walk may refuse the file or leave
// packets out; what it lets through must then decode into records without a
// throw, as FastReader::read_source decodes it (no second check there).
#include <cstdint>
#include <vector>

#include "analyzer/ctf/metadata.hpp"
#include "analyzer/ctf/stream_cursor.hpp"
#include "analyzer/ctf/trace_plan.hpp"
#include "analyzer/record_builder.hpp"
#include "analyzer/record_store.hpp"

using namespace fluxtrace;
using namespace fluxtrace::ctf;

namespace {

const TracePlan &fixture_plan() {
    static const TracePlan plan =
        make_trace_plan(parse_metadata(read_metadata_text(FLUXTRACE_FUZZ_METADATA)));
    return plan;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, size_t size) {
    const TracePlan &plan = fixture_plan();
    StreamCursor cursor(plan, data, size, "stream");
    try {
        cursor.open();
    } catch (const Unsupported &) {
        return 0; // no first packet: the file is left out whole
    }
    std::vector<Value> values(2 * plan.max_ops + 1);
    cursor.validate(values);
    RecordStore store;
    while (cursor.next()) {
        const StreamPlan &sp = cursor.stream();
        const EventPlan &ep = sp.events[cursor.event_id()];
        Value *payload = values.data() + sp.context.ops().size();
        cursor.body(values.data(), payload);
        const EventClass &cls = store.intern_class(ep.name, ep.payload.specs());
        RecordBuilder b(store, cls, ep.payload.var_size(payload));
        ep.payload.build(b, cursor.packet_base(), payload);
        b.finish(cursor.clock(), -1, -1, StringPool::kEmpty, 0);
    }
    return 0;
}
