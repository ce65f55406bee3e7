CREATE TABLE "canary_results" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"workload" text NOT NULL,
	"fingerprint" text NOT NULL,
	"captured_plan_id" bigint,
	"verdict" text NOT NULL,
	"kind" text,
	"detail" text,
	"baseline_outcome" text NOT NULL,
	"candidate_outcome" text NOT NULL,
	"baseline_error_class" text,
	"candidate_error_class" text,
	"baseline_digest" text,
	"candidate_digest" text,
	"baseline_rows" integer,
	"candidate_rows" integer,
	"baseline_median_ms" double precision,
	"candidate_median_ms" double precision,
	"latency_ratio" double precision,
	"sql_text" text,
	"minimized_plan" "bytea",
	"minimized_text" text,
	"minimized_operators" integer,
	"original_operators" integer,
	"regression_id" bigint,
	CONSTRAINT "canary_results_verdict_check" CHECK ("canary_results"."verdict" in ('pass', 'regression', 'skipped'))
);
--> statement-breakpoint
CREATE TABLE "canary_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"candidate" text NOT NULL,
	"baseline" text NOT NULL,
	"sources" text NOT NULL,
	"workloads" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"plans" integer DEFAULT 0 NOT NULL,
	"passed" integer DEFAULT 0 NOT NULL,
	"regressions" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"markdown" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "canary_runs_status_check" CHECK ("canary_runs"."status" in ('running', 'passed', 'failed', 'error'))
);
--> statement-breakpoint
CREATE TABLE "captured_plans" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant" text NOT NULL,
	"workload" text NOT NULL,
	"fingerprint" text NOT NULL,
	"runtime_version" text NOT NULL,
	"request" "bytea" NOT NULL,
	"setup" "bytea" NOT NULL,
	"setup_steps" integer DEFAULT 0 NOT NULL,
	"redacted" boolean DEFAULT false NOT NULL,
	"has_write" boolean DEFAULT false NOT NULL,
	"sql_text" text,
	"duration_ms" integer DEFAULT 0 NOT NULL,
	"seen_count" integer DEFAULT 1 NOT NULL,
	"captured_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "canary_results" ADD CONSTRAINT "canary_results_run_id_canary_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."canary_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "canary_results_run_idx" ON "canary_results" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "canary_runs_started_idx" ON "canary_runs" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "captured_plans_identity_uq" ON "captured_plans" USING btree ("tenant","workload","fingerprint");--> statement-breakpoint
CREATE INDEX "captured_plans_workload_idx" ON "captured_plans" USING btree ("workload","last_seen" DESC NULLS LAST);