//! pgbelay build: the static library, the CLI, the rule-registry generator
//! and the test programs. Zig 0.15.2 (pinned in build.zig.zon and
//! tools/setup.sh).
//!
//!   zig build                      library, pgbelay, genrules, pgbelay-test
//!   zig build test                 generated-file check + the whole test suite
//!   zig build test -Dsanitize=true the same under AddressSanitizer + UBSan
//!   zig build gen                  regenerate registry and rule docs from rules/*.yaml
//!   zig build valgrind             the test suite under valgrind (leak check)
//!   zig build bench                the benchmark (tools/bench.sh)
//!   zig build test-pg              `pgbelay plan` end to end on a throw-away
//!                                  PostgreSQL 15 (tests/pg/, docs/testing.md)
//!   zig build fuzz                 libFuzzer targets (clang) in zig-out/fuzz/;
//!                                  run them with tools/fuzz.sh
//!   zig build test-facts           lock facts and catalog checked on a throw-away
//!                                  PostgreSQL 15 (tests/pg/facts.py)
const std = @import("std");

const c_flags_base = [_][]const u8{
    "-std=gnu17", // C17; PostgreSQL's headers need POSIX declarations (sigjmp_buf)
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
    "-fno-omit-frame-pointer",
};

/// Every `.c` file below `dir` (relative to the build root), sorted.
fn cSources(b: *std.Build, dir: []const u8, exclude: []const []const u8) []const []const u8 {
    var list: std.ArrayList([]const u8) = .empty;
    var d = b.build_root.handle.openDir(dir, .{ .iterate = true }) catch |e|
        std.debug.panic("cannot open {s}: {s}", .{ dir, @errorName(e) });
    defer d.close();
    var walker = d.walk(b.allocator) catch @panic("out of memory");
    defer walker.deinit();
    outer: while (walker.next() catch @panic("cannot walk source tree")) |entry| {
        if (entry.kind != .file or !std.mem.endsWith(u8, entry.path, ".c")) continue;
        for (exclude) |ex| if (std.mem.startsWith(u8, entry.path, ex)) continue :outer;
        list.append(b.allocator, b.pathJoin(&.{ dir, entry.path })) catch @panic("out of memory");
    }
    std.mem.sort([]const u8, list.items, {}, struct {
        fn lt(_: void, x: []const u8, y: []const u8) bool {
            return std.mem.lessThan(u8, x, y);
        }
    }.lt);
    return list.items;
}

/// A fuzz target (fuzz/fuzz_*.c) is built only when every file its
/// " * needs: PATH" lines name exists (a target written for a module that
/// is not in this tree yet).
fn fuzzNeedsMet(b: *std.Build, src: []const u8) bool {
    const text = b.build_root.handle.readFileAlloc(b.allocator, src, 1 << 20) catch return false;
    var it = std.mem.splitScalar(u8, text, '\n');
    while (it.next()) |line| {
        const prefix = " * needs: ";
        if (!std.mem.startsWith(u8, line, prefix)) continue;
        var paths = std.mem.tokenizeScalar(u8, line[prefix.len..], ' ');
        while (paths.next()) |p| b.build_root.handle.access(p, .{}) catch return false;
    }
    return true;
}

fn firstExisting(paths: []const []const u8) ?[]const u8 {
    for (paths) |p| {
        std.fs.accessAbsolute(p, .{}) catch continue;
        return p;
    }
    return null;
}

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});
    const sanitize = b.option(bool, "sanitize", "Build everything with AddressSanitizer + UndefinedBehaviorSanitizer") orelse false;
    const pg_server_inc = b.option([]const u8, "pg-server-include", "PostgreSQL 15 server headers") orelse
        "/usr/include/postgresql/15/server";
    const pg_query_lib = b.option([]const u8, "pg-query-lib", "Path of the static libpg_query.a") orelse
        (firstExisting(&.{
            "/usr/lib/x86_64-linux-gnu/libpg_query.a",
            "/usr/lib/aarch64-linux-gnu/libpg_query.a",
            "/usr/lib/libpg_query.a",
            "/usr/local/lib/libpg_query.a",
        }) orelse @panic("libpg_query.a not found: run tools/setup.sh or pass -Dpg-query-lib=PATH"));

    var flags: std.ArrayList([]const u8) = .empty;
    flags.appendSlice(b.allocator, &c_flags_base) catch @panic("oom");
    if (sanitize) flags.append(b.allocator, "-fsanitize=address") catch @panic("oom");

    // ASan runtime: Zig has none of its own, so link the system compiler's
    // (GCC's libasan implements the same interface).
    const asan_rt: ?[]const u8 = if (sanitize) blk: {
        const out = b.run(&.{ "cc", "-print-file-name=libasan.so" });
        break :blk std.mem.trim(u8, out, " \n\r\t");
    } else null;

    const Mod = struct {
        fn make(bb: *std.Build, t: std.Build.ResolvedTarget, o: std.builtin.OptimizeMode, san: bool, inc: []const u8) *std.Build.Module {
            const m = bb.createModule(.{
                .target = t,
                .optimize = o,
                .link_libc = true,
                .sanitize_c = if (san) .full else null,
            });
            m.addIncludePath(bb.path("include"));
            m.addIncludePath(bb.path("src"));
            m.addSystemIncludePath(.{ .cwd_relative = inc });
            return m;
        }
    };

    // libpgbelay: everything but the CLI front end.
    const lib_mod = Mod.make(b, target, optimize, sanitize, pg_server_inc);
    lib_mod.addCSourceFiles(.{ .files = cSources(b, "src", &.{"cli/"}), .flags = flags.items });
    const lib = b.addLibrary(.{ .name = "pgbelay", .root_module = lib_mod, .linkage = .static });
    lib.installHeadersDirectory(b.path("include/pgbelay"), "pgbelay", .{});
    b.installArtifact(lib);

    const link = struct {
        fn deps(m: *std.Build.Module, l: *std.Build.Step.Compile, pgq: []const u8, asan: ?[]const u8) void {
            m.linkLibrary(l);
            m.addObjectFile(.{ .cwd_relative = pgq });
            m.linkSystemLibrary("pcre2-8", .{});
            m.linkSystemLibrary("yaml", .{});
            m.linkSystemLibrary("jansson", .{});
            m.linkSystemLibrary("nettle", .{}); // SHA-256 for finding fingerprints (src/report/util.c)
            if (asan) |rt| m.addObjectFile(.{ .cwd_relative = rt });
        }
    };

    // pgbelay CLI
    const exe_mod = Mod.make(b, target, optimize, sanitize, pg_server_inc);
    exe_mod.addCSourceFiles(.{ .files = cSources(b, "src/cli", &.{}), .flags = flags.items });
    link.deps(exe_mod, lib, pg_query_lib, asan_rt);
    const exe = b.addExecutable(.{ .name = "pgbelay", .root_module = exe_mod });
    b.installArtifact(exe);

    // rule-registry generator
    const gen_mod = Mod.make(b, target, optimize, sanitize, pg_server_inc);
    gen_mod.addCSourceFiles(.{ .files = &.{ "tools/genrules.c", "src/core/buf.c", "src/core/utf8.c" }, .flags = flags.items });
    gen_mod.linkSystemLibrary("yaml", .{});
    if (asan_rt) |rt| gen_mod.addObjectFile(.{ .cwd_relative = rt });
    const gen = b.addExecutable(.{ .name = "genrules", .root_module = gen_mod });
    b.installArtifact(gen);

    // benchmark baseline: libpg_query's raw parse alone (tools/bench.sh)
    const raw_mod = Mod.make(b, target, optimize, sanitize, pg_server_inc);
    raw_mod.addCSourceFiles(.{ .files = &.{"tools/rawparse.c"}, .flags = flags.items });
    raw_mod.addObjectFile(.{ .cwd_relative = pg_query_lib });
    if (asan_rt) |rt| raw_mod.addObjectFile(.{ .cwd_relative = rt });
    const raw = b.addExecutable(.{ .name = "pgbelay-rawparse", .root_module = raw_mod });
    b.installArtifact(raw);

    const gen_run = b.addRunArtifact(gen);
    gen_run.addArg(b.pathFromRoot("."));
    const gen_step = b.step("gen", "Regenerate src/rules/registry.gen.c and docs/rules/ from rules/*.yaml, docs/configuration.md from the config key table");
    gen_step.dependOn(&gen_run.step);
    // docs/configuration.md: `pgbelay config --reference` (tests/test_config.c checks it is current)
    const cfg_ref = b.addRunArtifact(exe);
    cfg_ref.addArgs(&.{ "config", "--reference" });
    const cfg_doc = b.addUpdateSourceFiles();
    cfg_doc.addCopyFileToSource(cfg_ref.captureStdOut(), "docs/configuration.md");
    gen_step.dependOn(&cfg_doc.step);

    // test programs
    const test_mod = Mod.make(b, target, optimize, sanitize, pg_server_inc);
    test_mod.addCSourceFiles(.{ .files = cSources(b, "tests", &.{}), .flags = flags.items });
    // the fuzz targets, for the regress suite (testdata/regress/, fuzz/fuzz.h)
    test_mod.addCSourceFiles(.{ .files = &.{"src/cli/walk.c"}, .flags = flags.items });
    for (cSources(b, "fuzz", &.{})) |src| {
        const stem = std.fs.path.stem(src);
        if (!std.mem.startsWith(u8, stem, "fuzz_") or !fuzzNeedsMet(b, src)) continue;
        var fflags: std.ArrayList([]const u8) = .empty;
        fflags.appendSlice(b.allocator, flags.items) catch @panic("oom");
        fflags.append(b.allocator, b.fmt("-DLLVMFuzzerTestOneInput=pb_fuzz__{s}", .{stem[5..]})) catch @panic("oom");
        fflags.append(b.allocator, b.fmt("-DPB_FUZZ_NAME=\"{s}\"", .{stem[5..]})) catch @panic("oom");
        test_mod.addCSourceFiles(.{ .files = &.{src}, .flags = fflags.items });
    }
    link.deps(test_mod, lib, pg_query_lib, asan_rt);
    const tests = b.addExecutable(.{ .name = "pgbelay-test", .root_module = test_mod });
    b.installArtifact(tests);

    const check_gen = b.addRunArtifact(gen);
    check_gen.addArgs(&.{ "--check", b.pathFromRoot(".") });
    // libasan is linked as an ordinary library (Zig has no ASan runtime), so
    // it is not first in the library list; its start-up check must be off.
    const asan_options = "verify_asan_link_order=0:detect_leaks=1:abort_on_error=0:halt_on_error=1";
    if (sanitize) check_gen.setEnvironmentVariable("ASAN_OPTIONS", asan_options);
    if (sanitize) gen_run.setEnvironmentVariable("ASAN_OPTIONS", asan_options);

    const run_tests = b.addRunArtifact(tests);
    run_tests.addArg("--pgbelay");
    run_tests.addArtifactArg(exe);
    run_tests.addArgs(&.{ "--root", b.pathFromRoot(".") });
    if (b.args) |args| run_tests.addArgs(args);
    run_tests.step.dependOn(&check_gen.step);
    run_tests.has_side_effects = true;
    run_tests.stdio = .inherit;
    if (sanitize) {
        run_tests.setEnvironmentVariable("ASAN_OPTIONS", asan_options);
        run_tests.setEnvironmentVariable("PGBELAY_SANITIZED", "1");
    }
    b.step("test", "Check generated files and run the test suite").dependOn(&run_tests.step);

    const vg = b.addSystemCommand(&.{ "valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--trace-children=yes", "--trace-children-skip=*/valgrind*,*/git,*/sh,*/dash,*/bash", "-q" });
    vg.addArtifactArg(tests);
    vg.addArg("--pgbelay");
    vg.addArtifactArg(exe);
    vg.addArgs(&.{ "--root", b.pathFromRoot("."), "--quick" });
    vg.has_side_effects = true;
    vg.stdio = .inherit;
    b.step("valgrind", "Run the test suite (and the CLI it spawns) under valgrind").dependOn(&vg.step);

    // End-to-end proof of `pgbelay plan` on a real PostgreSQL 15 (Python 3,
    // standard library; Debian's PostgreSQL binaries, see tools/setup.sh).
    // Arguments after `--` go to the harness: zig build test-pg -- --only rename
    const pg_e2e = b.addSystemCommand(&.{ "python3", b.pathFromRoot("tests/pg/plan_e2e.py"), "--pgbelay" });
    pg_e2e.addArtifactArg(exe);
    pg_e2e.addArgs(&.{ "--root", b.pathFromRoot(".") });
    if (b.args) |args| pg_e2e.addArgs(args);
    pg_e2e.has_side_effects = true;
    pg_e2e.stdio = .inherit;
    if (sanitize) pg_e2e.setEnvironmentVariable("ASAN_OPTIONS", asan_options);
    b.step("test-pg", "Prove `pgbelay plan` end to end against a throw-away PostgreSQL 15").dependOn(&pg_e2e.step);

    // libFuzzer targets (fuzz/fuzz_*.c; docs/testing.md "Fuzzing"): built by
    // Debian's clang, which ships the libFuzzer runtime Zig lacks, with
    // ASan + UBSan, from the library sources (plus the CLI's directory walk)
    // and libpg_query.a. `zig build fuzz` installs them in zig-out/fuzz/;
    // tools/fuzz.sh runs them.
    {
        const clang = b.option([]const u8, "clang", "clang with libFuzzer for `zig build fuzz` (default: clang)") orelse "clang";
        const fuzz_step = b.step("fuzz", "Build the libFuzzer targets fuzz/fuzz_*.c (clang, ASan + UBSan) into zig-out/fuzz/");
        const cflags = [_][]const u8{ "-std=gnu17", "-g", "-O1", "-fno-omit-frame-pointer", "-fsanitize=fuzzer-no-link,address,undefined", "-fno-sanitize-recover=undefined", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter", "-MD" };
        const incs = [_][]const u8{ "-I", b.pathFromRoot("include"), "-I", b.pathFromRoot("src"), "-isystem", pg_server_inc };
        var objs: std.ArrayList(std.Build.LazyPath) = .empty;
        const lib_srcs = cSources(b, "src", &.{"cli/"});
        const extra_srcs = [_][]const u8{"src/cli/walk.c"};
        for ([_][]const []const u8{ lib_srcs, &extra_srcs }) |group| for (group) |src| {
            const cc = b.addSystemCommand(&.{clang});
            cc.addArgs(&cflags);
            cc.addArgs(&incs);
            cc.addArg("-c");
            cc.addFileArg(b.path(src));
            cc.addArg("-o");
            objs.append(b.allocator, cc.addOutputFileArg("o.o")) catch @panic("oom");
            _ = cc.addPrefixedDepFileOutputArg("-MF", "o.d");
        };
        for (cSources(b, "fuzz", &.{})) |src| {
            const base = std.fs.path.stem(src);
            if (!std.mem.startsWith(u8, base, "fuzz_") or !fuzzNeedsMet(b, src)) continue;
            const cc = b.addSystemCommand(&.{clang});
            cc.addArgs(&cflags);
            cc.addArgs(&incs);
            cc.addArg("-c");
            cc.addFileArg(b.path(src));
            cc.addArg("-o");
            const obj = cc.addOutputFileArg("o.o");
            _ = cc.addPrefixedDepFileOutputArg("-MF", "o.d");
            const ld = b.addSystemCommand(&.{ clang, "-fsanitize=fuzzer,address,undefined", "-o" });
            const bin = ld.addOutputFileArg(base);
            ld.addFileArg(obj);
            for (objs.items) |o| ld.addFileArg(o);
            // the same system libraries as link.deps above
            ld.addArgs(&.{ pg_query_lib, "-lpcre2-8", "-lyaml", "-ljansson", "-lnettle", "-lm", "-lpthread" });
            fuzz_step.dependOn(&b.addInstallFileWithDir(bin, .{ .custom = "fuzz" }, base).step);
        }
    }
    // pgbelay's lock/rewrite/scan claims and its replayed catalog checked on a real
    // PostgreSQL 15 (tests/pg/facts.py, docs/testing.md). Arguments after `--` go to the harness.
    const pg_facts = b.addSystemCommand(&.{ "python3", b.pathFromRoot("tests/pg/facts.py"), "--pgbelay" });
    pg_facts.addArtifactArg(exe);
    pg_facts.addArgs(&.{ "--root", b.pathFromRoot(".") });
    if (b.args) |args| pg_facts.addArgs(args);
    pg_facts.has_side_effects = true;
    pg_facts.stdio = .inherit;
    if (sanitize) pg_facts.setEnvironmentVariable("ASAN_OPTIONS", asan_options);
    b.step("test-facts", "Check pgbelay's lock facts and catalog against a throw-away PostgreSQL 15").dependOn(&pg_facts.step);

    const bench = b.addSystemCommand(&.{ "bash", "tools/bench.sh" });
    bench.step.dependOn(b.getInstallStep());
    bench.has_side_effects = true;
    bench.stdio = .inherit;
    b.step("bench", "Benchmark against libpg_query raw parse and squawk (see docs/benchmarks.md)").dependOn(&bench.step);
}
