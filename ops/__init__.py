"""Operations tooling that is not part of the installed product (local clusters, deployment helpers)."""
