terraform {
  required_version = ">= 1.5"

  # The local environment's hosts (main.tf, variables.tf, outputs.tf and scripts/ are links to
  # infra/local), with the Terraform state kept in PostgreSQL: Terraform's built-in `pg` backend
  # stores it in a table and takes an advisory lock for every plan and apply, so two concurrent
  # runs never both write. The connection string comes from PG_CONN_STR (Platform reads it from the
  # secrets store key terraform/pg-conn-str), never from a file in the repository.
  backend "pg" {
    schema_name = "terraform_local_pg"
  }
}
