"""The ``laowu`` console script: migrate, create-key, serve, demo."""

from __future__ import annotations

import argparse
import os
import sys

from alembic import command


def _migrate(_: argparse.Namespace) -> int:
    from app.config import get_settings
    from app.ops.service import alembic_config

    command.upgrade(alembic_config(get_settings().database_url), "head")
    print("数据库已迁移到最新版本")
    return 0


def _create_key(args: argparse.Namespace) -> int:
    from app.auth import service
    from app.core.problems import DomainError
    from app.db import get_sessionmaker

    with get_sessionmaker()() as session:
        try:
            key, secret = service.create_key(
                session=session, name=args.name, role=service.parse_role(args.role), region_code=args.region
            )
        except DomainError as exc:
            print(f"错误：{exc.detail}", file=sys.stderr)
            return 2
        session.commit()
        print(
            f"已创建密钥 {key.id}（角色 {key.role}{'，地区 ' + key.region_code if key.region_code else ''}）"
        )
    print(secret)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    import uvicorn

    # Scoring and JSON are CPU-bound: one worker process per core serves concurrent portals. The
    # workers share their connection counts to keep them even (app.core.balance).
    balance_dir = tempfile.mkdtemp(prefix="laowu-balance-") if args.workers > 1 else None
    if balance_dir:
        os.environ["LAOWU_BALANCE_DIR"] = balance_dir
    try:
        uvicorn.run(
            "app.asgi:app",
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="warning",
            access_log=False,
        )
    finally:
        if balance_dir:
            shutil.rmtree(balance_dir, ignore_errors=True)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from app.db import get_sessionmaker
    from app.demo import load_demo

    with get_sessionmaker()() as session:
        summary = load_demo(session=session, dataset=args.dataset)
        session.commit()
    print(summary)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="laowu", description="劳务协作人岗匹配服务")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("migrate", help="运行数据库迁移到最新版本").set_defaults(func=_migrate)
    ck = sub.add_parser("create-key", help="创建 API 密钥（最后一行输出密钥）")
    ck.add_argument("--role", required=True, choices=["admin", "sending", "receiving", "scheduler"])
    ck.add_argument("--name", required=True)
    ck.add_argument("--region", default=None, help="绑定的行政区划代码")
    ck.set_defaults(func=_create_key)
    sv = sub.add_parser("serve", help="启动服务")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--workers", type=int, default=1, help="工作进程数（建议等于 CPU 核数）")
    sv.set_defaults(func=_serve)
    dm = sub.add_parser("demo", help="载入演示数据（可重复运行）")
    dm.add_argument("--dataset", default="basic", help="basic 或 tianjin-2019h1")
    dm.set_defaults(func=_demo)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
