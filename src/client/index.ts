export { type ConnectionParams, parseConnectionString } from './connection-string.js';
export { type QueryResult, SparkConnectClient, tableOf } from './spark-connect-client.js';
export { formatTable } from './format-table.js';
