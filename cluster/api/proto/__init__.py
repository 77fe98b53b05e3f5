"""Field tables for the protobuf request bodies the API decodes (see ``messages``)."""
