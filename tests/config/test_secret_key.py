"""The generated secret key: one per var/, whichever process asks first (docker/compose.yaml)."""

import threading

from config.settings import base


def test_processes_sharing_var_agree_on_one_generated_key(tmp_path, monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.setattr(base, "VAR_DIR", tmp_path / "var")
    start = threading.Barrier(8)
    keys: list[str] = []

    def ask() -> None:
        start.wait()
        keys.append(base._secret_key())

    askers = [threading.Thread(target=ask) for _ in range(8)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) >= 50
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["secret_key"]
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600
    # Later starts read the same key; a key set in the environment wins over the file.
    assert base._secret_key() == keys[0]
    monkeypatch.setenv("DJANGO_SECRET_KEY", "from-the-environment")
    assert base._secret_key() == "from-the-environment"
