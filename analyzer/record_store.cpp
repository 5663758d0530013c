#include "record_store.hpp"

#include <stdexcept>
#include <type_traits>

#include "record_builder.hpp"

namespace fluxtrace {

const EventClass &RecordStore::intern_class(std::string_view full_name,
                                            const std::vector<FieldSpec> &fields) {
    auto &ids = by_name_[std::string(full_name)];
    for (const auto id : ids)
        if (classes_[id].same_layout(full_name, fields))
            return classes_[id];
    const auto id = static_cast<std::uint32_t>(classes_.size());
    classes_.emplace_back(id, strings_, full_name, fields);
    ids.push_back(id);
    return classes_.back();
}

namespace {

FieldSpec spec_of(const NamedValue &v) {
    FieldSpec spec{std::string(v.name), FieldType::Unsigned, 8, v.hex};
    std::visit(
        [&](const auto &x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::int64_t>)
                spec.type = FieldType::Signed;
            else if constexpr (std::is_same_v<T, std::uint64_t>)
                spec.type = FieldType::Unsigned;
            else if constexpr (std::is_same_v<T, double>)
                spec.type = FieldType::Real;
            else if constexpr (std::is_same_v<T, std::string_view>)
                spec.type = FieldType::String;
            else if constexpr (std::is_same_v<T, Bytes>)
                spec.type = FieldType::Bytes;
            else
                spec.type = FieldType::U64Array;
        },
        v.value);
    return spec;
}

} // namespace

Record RecordStore::add(std::string_view name, const RecordHeader &header,
                        std::initializer_list<NamedValue> fields) {
    std::vector<FieldSpec> specs;
    size_t var_size = 0;
    for (const auto &f : fields) {
        specs.push_back(spec_of(f));
        if (const auto *b = std::get_if<Bytes>(&f.value))
            var_size += RecordBuilder::var_bytes(b->size());
        else if (const auto *a = std::get_if<U64Array>(&f.value))
            var_size += RecordBuilder::var_u64s(a->size());
    }
    const std::string full =
        name.find(':') == std::string_view::npos
            ? std::string(kFluxtraceProvider) + ":" + std::string(name)
            : std::string(name);
    const EventClass &cls = intern_class(full, specs);
    RecordBuilder b(*this, cls, var_size);
    size_t i = 0;
    for (const auto &f : fields) {
        std::visit(
            [&](const auto &x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, std::int64_t>)
                    b.set_signed(i, x);
                else if constexpr (std::is_same_v<T, std::uint64_t>)
                    b.set_unsigned(i, x);
                else if constexpr (std::is_same_v<T, double>)
                    b.set_real(i, x);
                else if constexpr (std::is_same_v<T, std::string_view>)
                    b.set_string(i, x);
                else if constexpr (std::is_same_v<T, Bytes>) {
                    auto *p = b.reserve_bytes(i, static_cast<std::uint32_t>(x.size()));
                    std::copy(x.begin(), x.end(), p);
                } else {
                    auto *p = b.reserve_u64s(i, static_cast<std::uint32_t>(x.size()));
                    std::copy(x.begin(), x.end(), p);
                }
            },
            f.value);
        i++;
    }
    return b.finish(header.ts_ns, header.vpid, header.vtid,
                    strings_.intern(header.procname), header.src);
}

} // namespace fluxtrace
