// storage — opening the server's SQLite file and migrating it.
//
// The migrations in schemas/sql/NNN_name.sql are compiled into the binary and
// applied at start, in order, each in its own BEGIN IMMEDIATE transaction;
// PRAGMA user_version records the last one applied. A database newer than
// this binary is refused rather than guessed at.
#pragma once

#include <string>

#include "glint/status.h"

namespace glint::native {

// Creates the file (and its folder) if needed and applies pending migrations;
// returns the schema version.
Result<int> migrate_database(const std::string& path);
// Number of the newest migration compiled into this binary.
int latest_schema_version();

}  // namespace glint::native
