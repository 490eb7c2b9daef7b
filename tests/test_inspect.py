"""``inspect_artifact`` reads built zips, layers, folders and image tars without extracting them."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest
from elf_samples import EM_AARCH64, EM_X86_64, elf32, elf64, macho64, pe
from test_rule_docs import RULES_DIR, frontmatter
from wheelhouse import build_wheel

from lambdalint.inspect import ARTIFACT_RULES, Limits, inspect_artifact
from lambdalint.inspect.native import identify

X86 = "numpy/_core/_umath.cpython-312-x86_64-linux-gnu.so"
ARM = "numpy/_core/_umath.cpython-312-aarch64-linux-gnu.so"


def installed(tmp_path: Path, name: str, version: str, **kwargs) -> dict[str, bytes]:
    """The files a real wheel puts into a target folder (``pip install -t``)."""
    wheel = build_wheel(tmp_path / "wheels", name, version, **kwargs)
    with zipfile.ZipFile(wheel) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(path: Path, files: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    """A deflated zip of ``files``; ``links`` adds symlink members (name -> target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def found(report) -> set[tuple[str, str]]:
    """(slug, location file) of every finding."""
    return {(f.rule, f.location.file) for f in report.all_findings()}


def run(path: Path, tmp_path: Path, runtime: str = "python3.12", arch: str = "x86_64", **kw):
    """Inspect ``path`` with ``tmp_path`` as the repository root."""
    return inspect_artifact(path, runtime=runtime, architecture=arch, root=tmp_path, **kw)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (elf64(EM_X86_64, ("GLIBC_2.17", "GLIBC_2.28")), ("elf", 62, (2, 28))),
        (elf64(EM_AARCH64, ("GLIBC_2.17",)), ("elf", 183, (2, 17))),
        (elf64(EM_X86_64, ()), ("elf", 62, None)),
        (elf32(), ("elf", 3, None)),
        (macho64(), ("mach-o", None, None)),
        (pe(), ("pe", None, None)),
        (b"#!/bin/sh\n", ("unknown", None, None)),
    ],
)
def test_identify_reads_synthesized_headers(data, expected):
    """Format, ELF machine and highest GLIBC version come from the bytes alone."""
    binary = identify(data)
    assert (binary.format, binary.machine, binary.glibc) == expected


def test_identify_reads_a_real_system_library():
    """The verneed walk agrees with a real libm: x86_64 or aarch64, needing some GLIBC_2.x."""
    libm = next(
        (p for p in Path("/lib").glob("*-linux-gnu/libm.so.6") if p.is_file()),
        None,
    )
    if libm is None:
        pytest.skip("no glibc libm on this machine")
    binary = identify(libm.read_bytes())
    assert binary.machine in {EM_X86_64, EM_AARCH64}
    assert binary.glibc is not None
    assert binary.glibc >= (2, 2)
    assert binary.glibc_library == "libc.so.6"


def _sdk(tmp_path: Path, *names: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name in names:
        files |= installed(tmp_path, name, "1.34.0")
    return files


CASES = [
    ("clean", "python3.12", {"numpy": (X86, elf64(EM_X86_64, ("GLIBC_2.17",)))}, set()),
    (
        "wrong-arch",
        "python3.12",
        {"numpy": (ARM, elf64(EM_AARCH64))},
        {("wrong-platform-binary", ARM)},
    ),
    (
        "macho",
        "python3.12",
        {"numpy": ("numpy/_core/_umath.cpython-312-darwin.so", macho64())},
        {("wrong-platform-binary", "numpy/_core/_umath.cpython-312-darwin.so")},
    ),
    (
        "pyd",
        "python3.12",
        {"numpy": ("numpy/_core/_umath.cp312-win_amd64.pyd", pe())},
        {("wrong-platform-binary", "numpy/_core/_umath.cp312-win_amd64.pyd")},
    ),
    (
        "glibc-al2",
        "python3.11",
        {"numpy": (X86.replace("312", "311"), elf64(EM_X86_64, ("GLIBC_2.28",)))},
        {("glibc-too-new", X86.replace("312", "311"))},
    ),
    ("glibc-al2023", "python3.12", {"numpy": (X86, elf64(EM_X86_64, ("GLIBC_2.28",)))}, set()),
    (
        "abi-filename",
        "python3.13",
        {"numpy": (X86, elf64())},
        {("abi-mismatch", X86)},
    ),
]


@pytest.mark.parametrize(
    ("case", "runtime", "native", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_function_zip_native_checks(tmp_path, case, runtime, native, expected):
    """Each compiled-file defect is reported at the file inside the zip; clean ones are silent."""
    files: dict[str, bytes] = {"app.py": b"import numpy\n"}
    for name, (path, data) in native.items():
        files |= installed(tmp_path, name, "2.0.0", files={path: data}, top_level=[name])
    zipped = write_zip(tmp_path / "build" / "chat.zip", files)
    report = run(zipped, tmp_path, runtime)
    assert found(report) == {(slug, f"build/chat.zip!{inner}") for slug, inner in expected}


LAYOUT_CASES = [
    (
        "wheel-tag",
        lambda t: installed(t, "orjson", "3.10.0", tag="cp313-cp313-manylinux_2_17_x86_64"),
        {("abi-mismatch", "orjson-3.10.0.dist-info/WHEEL")},
    ),
    (
        "abi3-ok",
        lambda t: installed(t, "cryptography", "43.0.0", tag="cp39-abi3-manylinux_2_17_x86_64"),
        set(),
    ),
    (
        "full-sdk",
        lambda t: _sdk(t, "boto3", "botocore", "s3transfer"),
        {
            ("shadowed-runtime-package", "boto3-1.34.0.dist-info"),
            ("shadowed-runtime-package", "botocore-1.34.0.dist-info"),
            ("shadowed-runtime-package", "s3transfer-1.34.0.dist-info"),
        },
    ),
    (
        "partial-sdk",
        lambda t: _sdk(t, "botocore"),
        {
            ("shadowed-runtime-package", "botocore-1.34.0.dist-info"),
            ("partial-sdk-vendoring", "botocore-1.34.0.dist-info"),
        },
    ),
    (
        "python-dir-in-function",
        lambda _: {"python/requests/__init__.py": b""},
        {("misplaced-layer-layout", "python/")},
    ),
    (
        "stale-bytecode",
        lambda _: {"__pycache__/app.cpython-39.pyc": b"\0" * 10},
        {("stale-bytecode", "__pycache__/app.cpython-39.pyc")},
    ),
    ("fresh-bytecode", lambda _: {"__pycache__/app.cpython-312.pyc": b"\0"}, set()),
    (
        "zip-slip",
        lambda _: {"../evil.py": b"", "/etc/cron.d/x": b""},
        {("parse-error", "../evil.py"), ("parse-error", "/etc/cron.d/x")},
    ),
]


@pytest.mark.parametrize(
    ("case", "extra", "expected"), LAYOUT_CASES, ids=[c[0] for c in LAYOUT_CASES]
)
def test_function_zip_content_checks(tmp_path, case, extra, expected):
    """SDK copies, layout, bytecode and unsafe names are reported where they sit in the zip."""
    zipped = write_zip(tmp_path / "chat.zip", {"app.py": b"", **extra(tmp_path)})
    assert found(run(zipped, tmp_path)) == {(s, f"chat.zip!{p}") for s, p in expected}


def test_symlink_out_of_the_package_is_skipped(tmp_path):
    """A zip symlink to an absolute path is a parse-error and is never read as content."""
    zipped = write_zip(tmp_path / "f.zip", {"app.py": b""}, links={"lib/x.so": "/etc/passwd"})
    assert found(run(zipped, tmp_path)) == {("parse-error", "f.zip!lib/x.so")}


LAYER_CASES = [
    (
        "clean-layer",
        None,
        {"python/attr/__init__.py": b"", "python/attrs-1.0.dist-info/METADATA": b""},
        set(),
    ),
    ("no-python-dir", True, {"six.py": b""}, {("misplaced-layer-layout", "layer.zip")}),
    (
        "other-python-site",
        None,
        {"python/lib/python3.11/site-packages/six.py": b""},
        {("misplaced-layer-layout", "layer.zip!python/lib/python3.11/site-packages/")},
    ),
]


@pytest.mark.parametrize(
    ("case", "layer", "files", "expected"), LAYER_CASES, ids=[c[0] for c in LAYER_CASES]
)
def test_layer_zip_layout(tmp_path, case, layer, files, expected):
    """Layers need python/ (or the target's site-packages); detection works without the flag."""
    zipped = write_zip(tmp_path / "layer.zip", files)
    report = run(zipped, tmp_path, layer=layer)
    assert found(report) == expected


def test_layer_binaries_are_checked_under_python(tmp_path):
    """A wrong-architecture extension inside a layer's python/ folder is reported there."""
    inner = f"python/{ARM}"
    zipped = write_zip(tmp_path / "layer.zip", {inner: elf64(EM_AARCH64)})
    assert found(run(zipped, tmp_path)) == {("wrong-platform-binary", f"layer.zip!{inner}")}


def test_zip_bomb_member_is_not_read(tmp_path):
    """A member over the ratio cap is a parse-error and is skipped before decompression."""
    zipped = write_zip(tmp_path / "bomb.zip", {"app.py": b"", "blob.so": bytes(4_000_000)})
    limits = Limits(ratio=200, ratio_min_size=1_000_000)
    report = run(zipped, tmp_path, limits=limits)
    assert found(report) == {("parse-error", "bomb.zip!blob.so")}
    assert "zip bomb" in report.all_findings()[0].message


def test_total_size_cap_stops_reading(tmp_path):
    """Past the total uncompressed cap only the listing is used: no member is decompressed."""
    zipped = write_zip(tmp_path / "big.zip", {"app.py": b"", ARM: elf64(EM_AARCH64)})
    report = run(zipped, tmp_path, limits=Limits(total_bytes=100))
    assert found(report) == {("parse-error", "big.zip")}


def test_truncated_zip_is_a_parse_error(tmp_path):
    """A zip cut in half yields one parse-error at the artifact and no crash."""
    zipped = write_zip(tmp_path / "cut.zip", {"app.py": b"x" * 5000, X86: elf64()})
    data = zipped.read_bytes()
    zipped.write_bytes(data[: len(data) // 2])
    report = run(zipped, tmp_path)
    assert found(report) == {("parse-error", "cut.zip")}
    assert report.functions[0].plan.strategy == "none"


def test_corrupt_member_is_a_parse_error(tmp_path):
    """A member whose bytes fail the CRC is reported at its path; the rest is still read."""
    zipped = tmp_path / "crc.zip"
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(X86, elf64())
        archive.writestr(ARM, elf64(EM_AARCH64))
    data = bytearray(zipped.read_bytes())
    start = data.index(b"\x7fELF")
    data[start + 200] ^= 0xFF
    zipped.write_bytes(bytes(data))
    got = found(run(zipped, tmp_path))
    assert got == {("parse-error", f"crc.zip!{X86}"), ("wrong-platform-binary", f"crc.zip!{ARM}")}


def test_build_directory(tmp_path):
    """A build folder is read in place; symlinks leaving it are reported, not followed."""
    build = tmp_path / "build"
    (build / "numpy/_core").mkdir(parents=True)
    (build / "app.py").write_text("import numpy\n")
    (build / ARM).write_bytes(elf64(EM_AARCH64))
    (build / "secret").symlink_to("/etc/passwd")
    report = run(build, tmp_path)
    assert found(report) == {
        ("wrong-platform-binary", f"build!{ARM}"),
        ("parse-error", "build!secret"),
    }
    assert report.functions[0].function.packaging == "built artifact (directory)"


def test_report_shape(tmp_path):
    """One FunctionReport named after the file, with sizes and a per-distribution breakdown."""
    files = {
        "app.py": b"print(1)\n",
        **installed(tmp_path, "six", "1.16.0", files={"six.py": b"x" * 999}),
    }
    zipped = write_zip(tmp_path / "build" / "chat.zip", files)
    report = run(zipped, tmp_path)
    (function,) = report.functions
    assert function.function.name == "chat.zip"
    assert function.path == "build/chat.zip"
    assert function.function.packaging == "built artifact (zip)"
    assert function.plan.zipped_bytes == zipped.stat().st_size
    assert function.plan.unzipped_bytes == sum(len(v) for v in files.values())
    assert dict(function.plan.breakdown)["app.py"] == 9
    assert dict(function.plan.breakdown)["six"] > 999


def _layer_tar(files: dict[str, bytes], special: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as layer:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            layer.addfile(info, io.BytesIO(data))
        for name in special:
            info = tarfile.TarInfo(name)
            info.type = tarfile.FIFOTYPE
            layer.addfile(info)
    return buffer.getvalue()


def _add(outer: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    outer.addfile(info, io.BytesIO(data))


def docker_save(path: Path, layers: list[bytes]) -> Path:
    """A ``docker save`` tar: manifest.json naming one layer.tar per layer."""
    with tarfile.open(path, "w") as outer:
        names = [f"{index:02d}/layer.tar" for index in range(len(layers))]
        for name, data in zip(names, layers, strict=True):
            _add(outer, name, data)
        _add(outer, "manifest.json", json.dumps([{"Layers": names}]).encode())
    return path


def oci_layout(path: Path, layers: list[bytes]) -> Path:
    """An OCI image layout tar: index.json -> manifest blob -> gzipped layer blobs."""
    with tarfile.open(path, "w") as outer:
        digests = []
        for data in layers:
            blob = gzip.compress(data)
            digest = hashlib.sha256(blob).hexdigest()
            _add(outer, f"blobs/sha256/{digest}", blob)
            digests.append({"digest": f"sha256:{digest}"})
        manifest = json.dumps({"layers": digests}).encode()
        manifest_digest = hashlib.sha256(manifest).hexdigest()
        _add(outer, f"blobs/sha256/{manifest_digest}", manifest)
        _add(
            outer,
            "index.json",
            json.dumps({"manifests": [{"digest": f"sha256:{manifest_digest}"}]}).encode(),
        )
    return path


@pytest.mark.parametrize("writer", [docker_save, oci_layout], ids=["docker-save", "oci"])
def test_image_tar_layers_and_whiteouts(tmp_path, writer):
    """Layers merge in order; a whiteout hides the earlier bad file; the later one is reported."""
    bad = f"var/task/{ARM}"
    old = "var/lang/lib/python3.12/site-packages/pkg/_x.cpython-312-x86_64-linux-gnu.so"
    base = _layer_tar({bad: elf64(EM_AARCH64), "usr/lib64/libfoo.so": macho64()})
    top = _layer_tar(
        {
            "var/task/numpy/_core/.wh._umath.cpython-312-aarch64-linux-gnu.so": b"",
            old: elf64(EM_X86_64, ("GLIBC_2.39",)),
            "var/task/app.py": b"",
        },
        special=("var/task/fifo",),
    )
    image = writer(tmp_path / "image.tar", [base, top])
    report = run(image, tmp_path)
    assert found(report) == {
        ("glibc-too-new", f"image.tar!{old}"),
        ("parse-error", "image.tar!var/task/fifo"),
    }
    assert report.functions[0].function.packaging == "built artifact (image tar)"


def test_rules_match_their_pages():
    """Each artifact rule's code, severity and summary equal its page's frontmatter."""
    for rule in ARTIFACT_RULES:
        meta = frontmatter((RULES_DIR / f"{rule.slug}.md").read_text(encoding="utf-8"))
        assert (meta["code"], meta["severity"], meta["summary"]) == (
            rule.code,
            rule.severity.value,
            rule.summary,
        ), rule.slug
