// Owning and non-owning handles of libbabeltrace2 objects, as in Babeltrace2's
// own C++ layer: a BorrowedObject never changes a reference count and is never
// null; a SharedObject holds one reference and puts it when it goes away.
#pragma once

#include <babeltrace2/babeltrace.h>

#include <cassert>
#include <type_traits>
#include <utility>

namespace fluxtrace::bt2 {

// get/put functions of each object type this layer holds.
template <typename LibObjT>
struct RefFuncs;

#define FLUXTRACE_BT2_REF_FUNCS(type, prefix)                                            \
    template <>                                                                          \
    struct RefFuncs<type> {                                                              \
        static void get(const type *p) { prefix##_get_ref(p); }                          \
        static void put(const type *p) { prefix##_put_ref(p); }                          \
    }

FLUXTRACE_BT2_REF_FUNCS(bt_graph, bt_graph);
FLUXTRACE_BT2_REF_FUNCS(bt_value, bt_value);
FLUXTRACE_BT2_REF_FUNCS(bt_plugin, bt_plugin);
FLUXTRACE_BT2_REF_FUNCS(bt_message, bt_message);

#undef FLUXTRACE_BT2_REF_FUNCS

template <typename LibObjT>
class BorrowedObject {
  public:
    explicit BorrowedObject(LibObjT *p) : p_(p) { assert(p); }
    LibObjT *lib_obj_ptr() const { return p_; }

  private:
    LibObjT *p_;
};

template <typename LibObjT>
class SharedObject {
    using Funcs = RefFuncs<std::remove_const_t<LibObjT>>;

  public:
    SharedObject() = default;
    // Adopts the reference the caller owns (what a *_create function returned).
    static SharedObject create_without_ref(LibObjT *p) { return SharedObject(p); }
    // Takes a new reference on a borrowed object.
    static SharedObject create_with_ref(LibObjT *p) {
        if (p)
            Funcs::get(p);
        return SharedObject(p);
    }

    SharedObject(const SharedObject &o) : p_(o.p_) {
        if (p_)
            Funcs::get(p_);
    }
    SharedObject(SharedObject &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    SharedObject &operator=(SharedObject o) noexcept {
        std::swap(p_, o.p_);
        return *this;
    }
    ~SharedObject() { reset(); }

    void reset() {
        if (p_)
            Funcs::put(std::exchange(p_, nullptr));
    }
    LibObjT *lib_obj_ptr() const { return p_; }
    explicit operator bool() const { return p_ != nullptr; }
    BorrowedObject<LibObjT> borrow() const { return BorrowedObject<LibObjT>(p_); }

  private:
    explicit SharedObject(LibObjT *p) : p_(p) {}
    LibObjT *p_ = nullptr;
};

} // namespace fluxtrace::bt2
