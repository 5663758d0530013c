// libFuzzer target: the message payload decoders of the happens-before model,
// fed one recorded payload: JSON decoding, then every reading of it the model
// makes (kvs.commit requests with their RFC 11 tree objects, lookup and
// kvs-watch requests and responses, root versions, event.pub sequences).
#include <cstdint>

#include "analyzer/hb/kvs_payloads.hpp"
#include "analyzer/hb/payload.hpp"

using namespace fluxtrace;
using namespace fluxtrace::hb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, size_t size) {
    const DecodedPayload payload = decode_payload(Bytes(data, size), size);
    if (payload.status != PayloadStatus::Decoded)
        return 0;
    commit_request(payload.json);
    lookup_request(payload.json);
    lookup_value(payload.json);
    root_version(payload.json);
    event_sequence(payload.json);
    return 0;
}
