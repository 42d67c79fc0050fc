"""Stage 0: the core kernel boots, reports what the loader gave it, and exits."""
from grade.core import Ctx, test


def random_word(ctx: Ctx, n: int = 8) -> str:
    return "".join(ctx.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


@test(lab=0, name="banner", points=5)
def banner(ctx: Ctx) -> None:
    tag = random_word(ctx)
    r = ctx.boot(args=[f"tag={tag}"])
    ctx.expect(r, "banner", tag=tag)


@test(lab=0, name="memory-map", points=5)
def memory_map(ctx: Ctx) -> None:
    r = ctx.boot()
    ctx.expect_lines(r, "memory")


@test(lab=0, name="unknown-option", points=5)
def unknown_option(ctx: Ctx) -> None:
    option = "no_such_" + random_word(ctx, 4)
    r = ctx.boot(args=[f"{option}=1"], expect_exit="failure")
    ctx.expect(r, "unknown-option", option=option)


@test(lab=0, name="help", points=2)
def help_lists_options(ctx: Ctx) -> None:
    r = ctx.boot(args=["help"])
    ctx.expect(r, "help")
