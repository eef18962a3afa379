-- The control-plane replicas alive, so that they share the pipelines evenly: each renews its row
-- with its pipeline leases; a replica whose row expired counts as gone. Portable SQL: PostgreSQL
-- and H2 alike.

create table control_plane_replica (
    id         varchar(128) primary key,
    expires_at timestamp with time zone not null
);
