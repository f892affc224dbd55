#!/usr/bin/env bash
# arm_build.sh - build a Cortex-M4 (qemu mps2-an386) test image and verify
# that the "checked" sources (generated pipeline code) allocate nothing.
#
# Usage:
#   arm_build.sh [OPTIONS] OUT.elf --check CHECKED_SRC... [-- HARNESS_SRC...]
#
#   OUT.elf          the image to produce (also writes OUT.map next to it).
#   --check SRC...   "checked" sources (.cpp/.cc/.cxx as C++17, .c as C11).
#                    Compiled with
#                      -std=c++17 -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -Os
#                      -fno-exceptions -fno-rtti -DVLAC_FIRMWARE
#                      -ffunction-sections -fdata-sections
#                    Their symbol tables (defined AND undefined symbols) must
#                    not contain heap, exception or RTTI symbols:
#                      malloc calloc realloc free (+ _r variants, memalign,
#                      aligned_alloc, posix_memalign, valloc, strdup, strndup,
#                      sbrk), operator new/delete (_Znw* _Zna* _Zdl* _Zda*),
#                      __cxa_*, __aeabi_atexit, __gxx_personality*, _Unwind_*,
#                      typeinfo (_ZTI*, _ZTS*).
#   -- SRC...        harness sources (alias: --harness).  Same flags; may use
#                    newlib (printf etc.) and must define main().  .c files
#                    are compiled as C.  startup.c (next to this script) is
#                    always added, compiled as C with the target flags only.
#
# Options (accepted anywhere on the command line):
#   -I DIR | -IDIR         include directory (checked and harness compiles)
#   -D NAME[=V] | -DNAME   preprocessor define (checked and harness compiles)
#   --cxxflag FLAG         extra flag for every C/C++ compile (repeatable),
#                          e.g. --cxxflag -Wall --cxxflag -fno-threadsafe-statics
#   --ldflag FLAG          extra link flag (repeatable)
#   --objdir DIR           where objects go (default: OUT without .elf + ".obj")
#   --no-link              only compile + check the checked sources (OUT.elf
#                          is still required and names the object directory)
#   -v, --verbose          print every command
#   -h, --help             this text
#
# Link: arm-none-eabi-g++ --specs=rdimon.specs -T mps2_an386.ld
#       -Wl,--gc-sections (newlib printf/exit via semihosting).
# Prints the arm-none-eabi-size table of the checked objects and one summary
# line:  "arm_build.sh: checked code size: text=N data=N bss=N (K objects)".
#
# Exit status: 0 ok; 1 compile/link error; 2 usage error or missing
# toolchain; 3 a checked object references a forbidden symbol.
#
# Environment: ARM_PREFIX (default "arm-none-eabi-") selects the toolchain.
set -euo pipefail

SELF="arm_build.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX="${ARM_PREFIX:-arm-none-eabi-}"
CXX="${PREFIX}g++"
CC="${PREFIX}gcc"
NM="${PREFIX}nm"
SIZE="${PREFIX}size"
CXXFILT="${PREFIX}c++filt"
LDSCRIPT="$HERE/mps2_an386.ld"
STARTUP="$HERE/startup.c"

die() { echo "$SELF: error: $*" >&2; exit "${EXIT_CODE:-1}"; }
usage_error() { echo "$SELF: usage error: $*" >&2; echo "run '$SELF --help' for usage" >&2; exit 2; }
print_help() { sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

TARGET_FLAGS=(-mcpu=cortex-m4 -mthumb -mfloat-abi=soft)
COMMON_FLAGS=("${TARGET_FLAGS[@]}" -Os -DVLAC_FIRMWARE -ffunction-sections -fdata-sections)
CXX_FLAGS=(-std=c++17 "${COMMON_FLAGS[@]}" -fno-exceptions -fno-rtti)
C_FLAGS=(-std=c11 "${COMMON_FLAGS[@]}")

out=""
objdir=""
verbose=0
no_link=0
mode=none
checked=()
harness=()
cpp_flags=()
extra_flags=()
ld_extra=()

need_arg() { [[ $# -ge 2 && -n "$2" ]] || usage_error "$1 needs an argument"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
    -h | --help) print_help; exit 0 ;;
    -v | --verbose) verbose=1 ;;
    --no-link) no_link=1 ;;
    --check) mode=check ;;
    -- | --harness) mode=harness ;;
    -I) need_arg "$@"; cpp_flags+=("-I$2"); shift ;;
    -I*) cpp_flags+=("$1") ;;
    -D) need_arg "$@"; cpp_flags+=("-D$2"); shift ;;
    -D*) cpp_flags+=("$1") ;;
    --cxxflag) need_arg "$@"; extra_flags+=("$2"); shift ;;
    --cxxflag=*) extra_flags+=("${1#--cxxflag=}") ;;
    --ldflag) need_arg "$@"; ld_extra+=("$2"); shift ;;
    --ldflag=*) ld_extra+=("${1#--ldflag=}") ;;
    --objdir) need_arg "$@"; objdir="$2"; shift ;;
    --objdir=*) objdir="${1#--objdir=}" ;;
    -*) usage_error "unknown option '$1'" ;;
    *)
        case "$mode" in
        none)
            [[ -z "$out" ]] || usage_error "unexpected argument '$1' (put checked sources after --check)"
            out="$1" ;;
        check) checked+=("$1") ;;
        harness) harness+=("$1") ;;
        esac ;;
    esac
    shift
done

[[ -n "$out" ]] || usage_error "missing OUT.elf"
[[ ${#checked[@]} -gt 0 ]] || usage_error "no checked sources (use --check SRC...)"
[[ "$out" == *.elf ]] || usage_error "OUT must end in .elf (got '$out')"

for tool in "$CXX" "$CC" "$NM" "$SIZE"; do
    command -v "$tool" >/dev/null 2>&1 || EXIT_CODE=2 die "'$tool' not found (install gcc-arm-none-eabi, libnewlib-arm-none-eabi, libstdc++-arm-none-eabi-newlib: scripts/install-deps.sh --with-arm)"
done
for f in "$LDSCRIPT" "$STARTUP"; do
    [[ -f "$f" ]] || EXIT_CODE=2 die "harness file missing: $f"
done
for src in "${checked[@]}" "${harness[@]+"${harness[@]}"}"; do
    [[ -f "$src" ]] || EXIT_CODE=2 die "source not found: $src"
done

[[ -n "$objdir" ]] || objdir="${out%.elf}.obj"
mkdir -p "$objdir" "$(dirname "$out")"
rm -f "$objdir"/check_*.o "$objdir"/harness_*.o "$objdir"/startup.o "$out" "${out%.elf}.map"

run() {
    if [[ $verbose -eq 1 ]]; then printf '+'; printf ' %q' "$@"; printf '\n'; fi >&2
    "$@"
}

# compile SRC OBJ
compile() {
    local src="$1" obj="$2"
    case "$src" in
    *.c) run "$CC" "${C_FLAGS[@]}" "${cpp_flags[@]+"${cpp_flags[@]}"}" "${extra_flags[@]+"${extra_flags[@]}"}" -c "$src" -o "$obj" ;;
    *.cpp | *.cc | *.cxx | *.C | *.c++)
        run "$CXX" "${CXX_FLAGS[@]}" "${cpp_flags[@]+"${cpp_flags[@]}"}" "${extra_flags[@]+"${extra_flags[@]}"}" -c "$src" -o "$obj" ;;
    *) EXIT_CODE=2 die "don't know how to compile '$src' (expected .c, .cpp, .cc, .cxx)" ;;
    esac || die "compilation failed: $src"
}

# ---- 1. checked sources ---------------------------------------------------
checked_objs=()
i=0
for src in "${checked[@]}"; do
    base="$(basename "$src")"
    obj="$objdir/check_${i}_${base%.*}.o"
    compile "$src" "$obj"
    checked_objs+=("$obj")
    i=$((i + 1))
done

# ---- 2. forbidden-symbol check ---------------------------------------------
FORBIDDEN_RE='^(malloc|calloc|realloc|reallocf|free|cfree|memalign|aligned_alloc|posix_memalign|valloc|pvalloc|strdup|strndup|sbrk|_sbrk|_sbrk_r|_malloc_r|_calloc_r|_realloc_r|_free_r|_memalign_r|__aeabi_atexit)$|^_Zn[wa]|^_Zd[la]|^__cxa_|^__gxx_personality|^_Unwind_|^_ZTI|^_ZTS'

why() {
    case "$1" in
    _Znw*) echo "operator new" ;;
    _Zna*) echo "operator new[]" ;;
    _Zdl*) echo "operator delete (note: a virtual destructor's deleting variant references it)" ;;
    _Zda*) echo "operator delete[]" ;;
    _ZTI* | _ZTS*) echo "RTTI typeinfo" ;;
    __cxa_guard_*) echo "thread-safe static init guard (function-local static with dynamic init)" ;;
    __cxa_atexit | __aeabi_atexit) echo "static destructor registration (object with non-trivial destructor at static storage)" ;;
    __cxa_pure_virtual) echo "pure virtual call handler" ;;
    __cxa_* | __gxx_personality* | _Unwind_*) echo "C++ runtime / exception support" ;;
    *) echo "heap allocation" ;;
    esac
}

violations=0
for idx in "${!checked_objs[@]}"; do
    obj="${checked_objs[$idx]}"
    src="${checked[$idx]}"
    # nm -P: "NAME TYPE [VALUE SIZE]"; TYPE U = undefined, w/v = weak.
    while read -r name type _; do
        [[ -n "$name" ]] || continue
        if [[ "$name" =~ $FORBIDDEN_RE ]]; then
            case "$type" in U) kind="undefined reference to" ;; w | v) kind="weak undefined reference to" ;; *) kind="defines" ;; esac
            pretty="$name"
            if command -v "$CXXFILT" >/dev/null 2>&1; then pretty="$("$CXXFILT" "$name")"; fi
            if [[ "$pretty" != "$name" ]]; then pretty="$name ($pretty)"; fi
            echo "$SELF: FORBIDDEN SYMBOL: $src ($obj) $kind $pretty -- $(why "$name")" >&2
            violations=$((violations + 1))
        fi
    done < <("$NM" -P "$obj")
done
if [[ $violations -gt 0 ]]; then
    echo "$SELF: error: $violations forbidden symbol reference(s) in checked objects; checked code must not use the heap, exceptions or RTTI" >&2
    exit 3
fi
echo "$SELF: check ok: no heap/exception/RTTI symbols in ${#checked_objs[@]} checked object(s)"

# ---- 3. code size of the checked objects -------------------------------------
"$SIZE" -t "${checked_objs[@]}"
read -r t_text t_data t_bss _ < <("$SIZE" -t "${checked_objs[@]}" | tail -n 1)
echo "$SELF: checked code size: text=$t_text data=$t_data bss=$t_bss (${#checked_objs[@]} objects)"

[[ $no_link -eq 0 ]] || exit 0

# ---- 4. harness + startup + link ---------------------------------------------
harness_objs=()
# startup.c gets only the fixed target flags (not -I/-D/--cxxflag).
run "$CC" "${C_FLAGS[@]}" -c "$STARTUP" -o "$objdir/startup.o" || die "compilation failed: $STARTUP"
i=0
for src in "${harness[@]+"${harness[@]}"}"; do
    base="$(basename "$src")"
    obj="$objdir/harness_${i}_${base%.*}.o"
    compile "$src" "$obj"
    harness_objs+=("$obj")
    i=$((i + 1))
done

run "$CXX" "${TARGET_FLAGS[@]}" --specs=rdimon.specs -T "$LDSCRIPT" -Wl,--gc-sections \
    -Wl,-Map="${out%.elf}.map" "${ld_extra[@]+"${ld_extra[@]}"}" \
    "$objdir/startup.o" "${harness_objs[@]+"${harness_objs[@]}"}" "${checked_objs[@]}" \
    -o "$out" || die "link failed: $out"

read -r i_text i_data i_bss _ < <("$SIZE" "$out" | tail -n 1)
echo "$SELF: image $out: text=$i_text data=$i_data bss=$i_bss"
