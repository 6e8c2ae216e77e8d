import{c as r,s as e}from"./flowDiagram-HODETNUW-BRokRsKD.js";import{_ as a}from"./mermaid.core-DlYviVHn.js";import"./chunk-5VM5RSS4-BK2FdNmv.js";import"./chunk-XXDRQBXY-BP3aDmLY.js";import"./chunk-POPQ4Y6H-BsVo7JTO.js";import"./chunk-F27PBJKO-CkNQJIi2.js";import"./index-CmoUh04Z.js";import"./channel-BxPE1KE1.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
