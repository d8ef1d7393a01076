import { describeAuthMatrix } from './auth-matrix.ts'

describeAuthMatrix('sqlite')
