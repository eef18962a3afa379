-- Loader JARs uploaded to the Managed Flink artifact bucket: content-addressed (sha256), with the
-- S3 object version that applications pin. Portable SQL: PostgreSQL and H2 alike.

create table artifact (
    sha256      varchar(64)   primary key,
    id          varchar(12)   not null unique,
    size_bytes  bigint        not null,
    bucket      varchar(63)   not null,
    object_key  varchar(1024) not null,
    version_id  varchar(1024),
    file_name   varchar(255)  not null,
    source      varchar(16)   not null,
    uploaded_at timestamp with time zone not null
);
create index artifact_by_time on artifact (uploaded_at);
