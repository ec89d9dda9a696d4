// node-oracledb ships no type declarations; the connector uses only the constants typed in OracledbTypes.
declare module 'oracledb';
